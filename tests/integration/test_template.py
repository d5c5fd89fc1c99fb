"""The one infra template provisions into moto with everything the app relies on."""

import boto3


def test_template_provisions_table_queue_and_bucket(aws):
    table = boto3.client("dynamodb").describe_table(TableName=aws["TableName"])["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2", "gsi3"}
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName=aws["TableName"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"

    queue = boto3.client("sqs").get_queue_attributes(
        QueueUrl=aws["InboundQueueUrl"], AttributeNames=["All"]
    )["Attributes"]
    assert queue["FifoQueue"] == "true"
    assert "ligat-test-inbound-dlq.fifo" in queue["RedrivePolicy"]

    s3 = boto3.client("s3")
    encryption = s3.get_bucket_encryption(Bucket=aws["MediaBucketName"])
    assert encryption["ServerSideEncryptionConfiguration"]["Rules"]
    block = s3.get_public_access_block(Bucket=aws["MediaBucketName"])
    assert all(block["PublicAccessBlockConfiguration"].values())


def test_every_app_setting_comes_from_a_stack_output(aws):
    from local.provision import OUTPUT_ENV, app_environment

    assert set(app_environment(aws)) == set(OUTPUT_ENV.values())
