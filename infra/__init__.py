"""Infrastructure: the CloudFormation template and the tool that turns its outputs into a stage."""
