"""The one infra template provisions into moto with everything the app relies on."""

import boto3


def test_template_provisions_table_queue_and_bucket(aws):
    table = boto3.client("dynamodb").describe_table(TableName=aws["TableName"])["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {
        "gsi1",
        "gsi2",
        "gsi3",
        "gsi4",
        "gsi5",
    }
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


def test_every_function_log_group_exists_with_a_retention_before_any_deploy(aws):
    from infra.policies import FUNCTIONS

    groups = boto3.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/ligat-test")
    retention = {g["logGroupName"]: g.get("retentionInDays") for g in groups["logGroups"]}
    assert len(retention) == len(FUNCTIONS) and all(retention.values())
    for output in FUNCTIONS.values():
        assert aws[output].split(":log-group:")[1].removesuffix(":*") in retention


def test_alarm_topic_is_encrypted_with_a_key_of_its_own(aws):
    attributes = boto3.client("sns").get_topic_attributes(TopicArn=aws["AlarmTopicArn"])
    key = attributes["Attributes"]["KmsMasterKeyId"]
    assert key and "alias/aws/sns" not in key
    aliases = boto3.client("kms").list_aliases()["Aliases"]
    [ours] = [a for a in aliases if a["AliasName"] == "alias/ligat-test-alarms"]
    assert ours["TargetKeyId"] == key  # the stack's own key, whose policy admits CloudWatch
