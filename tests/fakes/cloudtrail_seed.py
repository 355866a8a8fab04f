#!/usr/bin/env python3
"""Seeds a moto server (S3 + SQS) the way a CloudTrail trail with S3 event notifications to SQS
would leave them: gzip-compressed CloudTrail log files in the bucket at CloudTrail's keys, one
digest file, and one S3 event notification per object in the queue (optionally wrapped in an SNS
envelope, optionally preceded by the s3:TestEvent that S3 sends when notifications are set up).

    python3 tests/fakes/cloudtrail_seed.py --endpoint http://127.0.0.1:P --bucket B --queue Q \
        --files F --records-per-file R [--seed S] [--visibility-timeout V] [--sns-wrapped] \
        [--test-event] [--no-digest] [--key-prefix PREFIX] [--time 2026-12-01T10:00:00Z] \
        [--region us-east-1] [--account 123456789012]
    python3 tests/fakes/cloudtrail_seed.py --endpoint http://127.0.0.1:P --queue Q --count-messages

Seeding prints one JSON line: {"queue_url", "bucket", "event_ids", "files", "digest", "messages",
"records"}. --count-messages prints {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
"ApproximateNumberOfMessagesDelayed", "total"} (total = visible + not visible).
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

# dummy credentials, whatever the environment holds: this only ever talks to moto
for _k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
           "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(_k, None)
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

UTC = timezone.utc
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def clients(endpoint, region):
    kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing",
              aws_secret_access_key="testing")
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10, "mode": "standard"})
    return boto3.client("s3", config=cfg, **kw), boto3.client("sqs", config=cfg, **kw)


# ---------------------------------------------------------------------------------------------
# CloudTrail records


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def ts_ms(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def aws_date_words(d):
    # the style IAM/STS responses use in CloudTrail: "Dec 1, 2026, 10:05:00 AM"
    h = d.hour % 12 or 12
    return "%s %d, %d, %d:%02d:%02d %s" % (d.strftime("%b"), d.day, d.year, h, d.minute, d.second,
                                          "AM" if d.hour < 12 else "PM")


class TrailGen:
    def __init__(self, seed, account, region):
        self.rng = random.Random(seed)
        self.account = account
        self.region = region
        rng = self.rng
        self.users = {u: "AIDA" + self.ident(16) for u in ("alice", "bob", "ci-deployer", "carla")}
        self.roles = {r: "AROA" + self.ident(16) for r in ("Admin", "ReadOnly", "OrganizationAccountAccessRole", "ec2-app-role")}
        self.buckets = ["finance-reports-%s" % account, "app-assets-prod", "data-lake-raw"]
        del rng

    def ident(self, n):
        return "".join(self.rng.choice(_UPPER) for _ in range(n))

    def ip(self):
        return "%s.%d" % (self.rng.choice(["192.0.2", "198.51.100", "203.0.113"]), self.rng.randint(1, 254))

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def iam_user(self, name=None):
        name = name or self.rng.choice(list(self.users))
        return {"type": "IAMUser", "principalId": self.users[name],
                "arn": "arn:aws:iam::%s:user/%s" % (self.account, name), "accountId": self.account,
                "accessKeyId": "AKIA" + self.ident(16), "userName": name}

    def assumed_role(self, when, role=None, session=None):
        role = role or self.rng.choice(["Admin", "ReadOnly"])
        session = session or self.rng.choice(["alice@example.com", "bob@example.com", "terraform"])
        rid = self.roles[role]
        return {"type": "AssumedRole", "principalId": "%s:%s" % (rid, session),
                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (self.account, role, session),
                "accountId": self.account, "accessKeyId": "ASIA" + self.ident(16),
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": rid,
                                                     "arn": "arn:aws:iam::%s:role/%s" % (self.account, role),
                                                     "accountId": self.account, "userName": role},
                                   "attributes": {"creationDate": ts(when - timedelta(minutes=self.rng.randint(1, 50))),
                                                  "mfaAuthenticated": self.rng.choice(["true", "false"])}}}

    def tls(self, host):
        return {"tlsVersion": self.rng.choice(["TLSv1.2", "TLSv1.3"]),
                "cipherSuite": self.rng.choice(["ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"]),
                "clientProvidedHostHeader": host}

    def record(self, when):
        rng = self.rng
        kind = rng.choices(["ConsoleLogin", "AssumeRole", "GetObject", "RunInstances", "CreateUser",
                            "DescribeInstances", "GetCallerIdentity", "PutObject"],
                           [12, 18, 25, 6, 4, 15, 10, 10])[0]
        region = self.region
        ua_cli = "aws-cli/2.22.%d md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#%s" % (rng.randint(0, 20), kind.lower())
        ua_console = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
        ua_sdk = "aws-sdk-go-v2/1.32.%d os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/%s" % (rng.randint(0, 9), kind.lower())
        r = {"eventVersion": "1.10" if kind != "ConsoleLogin" else "1.09",
             "userIdentity": None, "eventTime": ts(when), "eventSource": None, "eventName": kind,
             "awsRegion": region, "sourceIPAddress": self.ip(), "userAgent": ua_cli,
             "requestParameters": None, "responseElements": None, "requestID": self.uuid(),
             "eventID": self.uuid(), "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
             "recipientAccountId": self.account, "eventCategory": "Management", "tlsDetails": None}
        if kind == "ConsoleLogin":
            ok = rng.random() > 0.25
            r.update(userIdentity=self.iam_user(rng.choice(["alice", "bob", "carla"])), eventSource="signin.amazonaws.com",
                     userAgent=ua_console, eventType="AwsConsoleSignIn",
                     responseElements={"ConsoleLogin": "Success" if ok else "Failure"},
                     additionalEventData={"LoginTo": "https://console.aws.amazon.com/console/home?region=%s&state=hashArgs%%23" % region,
                                          "MobileVersion": "No", "MFAIdentifier": "arn:aws:iam::%s:mfa/%s" % (self.account, "device"),
                                          "MFAUsed": "Yes" if ok else "No"},
                     tlsDetails=self.tls("signin.aws.amazon.com"))
            if not ok:
                r["errorMessage"] = "Failed authentication"
            r.pop("requestID")
        elif kind == "AssumeRole":
            role = rng.choice(list(self.roles))
            sess = rng.choice(["alice@example.com", "terraform", "i-0%s" % uuid.UUID(int=rng.getrandbits(128)).hex[:16]])
            exp = when + timedelta(hours=1)
            by_service = role == "ec2-app-role"
            r.update(userIdentity={"type": "AWSService", "invokedBy": "ec2.amazonaws.com"} if by_service else self.iam_user(),
                     eventSource="sts.amazonaws.com", readOnly=True,
                     sourceIPAddress="ec2.amazonaws.com" if by_service else r["sourceIPAddress"],
                     userAgent="ec2.amazonaws.com" if by_service else ua_sdk,
                     requestParameters={"roleArn": "arn:aws:iam::%s:role/%s" % (self.account, role),
                                        "roleSessionName": sess, "durationSeconds": 3600},
                     responseElements={"credentials": {"accessKeyId": "ASIA" + self.ident(16),
                                                       "sessionToken": base64.b64encode(rng.randbytes(96)).decode(),
                                                       "expiration": aws_date_words(exp)},
                                       "assumedRoleUser": {"assumedRoleId": "%s:%s" % (self.roles[role], sess),
                                                           "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (self.account, role, sess)}},
                     resources=[{"accountId": self.account, "type": "AWS::IAM::Role",
                                 "ARN": "arn:aws:iam::%s:role/%s" % (self.account, role)}],
                     sharedEventID=self.uuid(),
                     tlsDetails=None if by_service else self.tls("sts.%s.amazonaws.com" % region))
        elif kind in ("GetObject", "PutObject"):
            bucket = rng.choice(self.buckets)
            key = rng.choice(["reports/2026/q4 summary.pdf", "exports/users.csv", "raw/2026/12/01/part-0000.parquet", "index.html"])
            denied = kind == "GetObject" and rng.random() < 0.1
            r.update(userIdentity=self.assumed_role(when), eventSource="s3.amazonaws.com", readOnly=kind == "GetObject",
                     managementEvent=False, eventCategory="Data", userAgent="[%s]" % ua_sdk,
                     requestID="".join(rng.choice("0123456789ABCDEF") for _ in range(16)),
                     requestParameters={"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, region), "key": key},
                     additionalEventData={"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                          "bytesTransferredIn": 0 if kind == "GetObject" else rng.randint(100, 10 ** 7),
                                          "AuthenticationMethod": "AuthHeader",
                                          "x-amz-id-2": base64.b64encode(rng.randbytes(48)).decode(),
                                          "bytesTransferredOut": rng.randint(100, 10 ** 7) if kind == "GetObject" else 0},
                     resources=[{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)},
                                {"accountId": self.account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket}],
                     tlsDetails=self.tls("%s.s3.%s.amazonaws.com" % (bucket, region)))
            if denied:
                r.update(errorCode="AccessDenied", errorMessage="Access Denied")
            elif kind == "PutObject":
                r["responseElements"] = {"x-amz-server-side-encryption": "AES256"}
        elif kind == "RunInstances":
            iid = "i-0" + uuid.UUID(int=rng.getrandbits(128)).hex[:16]
            itype = rng.choice(["t3.micro", "m7i.large", "c7g.xlarge"])
            ami = "ami-0" + uuid.UUID(int=rng.getrandbits(128)).hex[:16]
            r.update(userIdentity=self.assumed_role(when, "Admin", "terraform"), eventSource="ec2.amazonaws.com",
                     userAgent=ua_sdk,
                     requestParameters={"instancesSet": {"items": [{"imageId": ami, "minCount": 1, "maxCount": 1}]},
                                        "instanceType": itype, "blockDeviceMapping": {}, "monitoring": {"enabled": False},
                                        "disableApiTermination": False, "disableApiStop": False, "clientToken": self.uuid(),
                                        "metadataOptions": {"httpTokens": "required"}},
                     responseElements={"requestId": r["requestID"], "reservationId": "r-0" + uuid.UUID(int=rng.getrandbits(128)).hex[:16],
                                       "ownerId": self.account, "groupSet": {},
                                       "instancesSet": {"items": [{"instanceId": iid, "imageId": ami,
                                                                   "currentInstanceBootMode": "uefi",
                                                                   "instanceState": {"code": 0, "name": "pending"},
                                                                   "privateDnsName": "ip-10-0-%d-%d.ec2.internal" % (rng.randint(0, 255), rng.randint(1, 254)),
                                                                   "amiLaunchIndex": 0, "productCodes": {},
                                                                   "instanceType": itype,
                                                                   "launchTime": int(when.timestamp() * 1000),
                                                                   "placement": {"availabilityZone": region + rng.choice("abcdef"), "tenancy": "default"},
                                                                   "privateIpAddress": "10.0.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))}]}},
                     tlsDetails=self.tls("ec2.%s.amazonaws.com" % region))
        elif kind == "CreateUser":
            name = rng.choice(["svc-backup", "temp-contractor", "break-glass", "ci-runner"])
            uid = "AIDA" + self.ident(16)
            r.update(userIdentity=self.assumed_role(when, "Admin"), eventSource="iam.amazonaws.com",
                     awsRegion="us-east-1", userAgent=ua_console.replace("Mozilla", "AWS Internal; Mozilla") if rng.random() < 0.5 else ua_cli,
                     requestParameters={"userName": name, "tags": []},
                     responseElements={"user": {"path": "/", "userName": name, "userId": uid,
                                                "arn": "arn:aws:iam::%s:user/%s" % (self.account, name),
                                                "createDate": aws_date_words(when)}},
                     tlsDetails=self.tls("iam.amazonaws.com"))
        elif kind == "DescribeInstances":
            r.update(userIdentity=self.assumed_role(when, "ReadOnly"), eventSource="ec2.amazonaws.com", readOnly=True,
                     requestParameters={"instancesSet": {}, "filterSet": {}, "includeAllInstances": False},
                     tlsDetails=self.tls("ec2.%s.amazonaws.com" % region))
        else:  # GetCallerIdentity
            r.update(userIdentity=self.iam_user("ci-deployer"), eventSource="sts.amazonaws.com", readOnly=True,
                     userAgent=ua_sdk, tlsDetails=self.tls("sts.%s.amazonaws.com" % region))
        return r


# ---------------------------------------------------------------------------------------------
# Seeding


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def s3_event(args, rng, key, size, etag, when, seq):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": args.region,
        "eventTime": ts_ms(when), "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROAQZZL5ZKFWEXAMPLE:regionalDeliverySession"},
        "requestParameters": {"sourceIPAddress": "%s.%d" % (rng.choice(["192.0.2", "198.51.100"]), rng.randint(1, 254))},
        "responseElements": {"x-amz-request-id": "".join(rng.choice("0123456789ABCDEF") for _ in range(16)),
                             "x-amz-id-2": base64.b64encode(rng.randbytes(48)).decode()},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "cloudtrail-to-sqs",
               "bucket": {"name": args.bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": "arn:aws:s3:::%s" % args.bucket},
               # S3 URL-encodes the key in notifications (form style: space -> '+')
               "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag,
                          "sequencer": "%016X" % seq}},
    }]}


def sns_wrap(args, rng, message, when):
    topic = "arn:aws:sns:%s:%s:cloudtrail-s3-notifications" % (args.region, args.account)
    return {
        "Type": "Notification",
        "MessageId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "TopicArn": topic,
        "Subject": "Amazon S3 Notification",
        "Message": json.dumps(message, separators=(",", ":")),
        "Timestamp": ts_ms(when),
        "SignatureVersion": "1",
        "Signature": base64.b64encode(rng.randbytes(256)).decode(),
        "SigningCertURL": "https://sns.%s.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem" % args.region,
        "UnsubscribeURL": "https://sns.%s.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=%s:%s" % (
            args.region, topic, uuid.UUID(int=rng.getrandbits(128), version=4)),
    }


def seed(args):
    s3, sqs = clients(args.endpoint, args.region)
    rng = random.Random(args.seed)
    gen = TrailGen(args.seed, args.account, args.region)
    if args.time:
        end = datetime.fromisoformat(args.time.replace("Z", "+00:00")).astimezone(UTC)
    else:
        end = datetime.now(UTC).replace(microsecond=0)

    try:
        if args.region == "us-east-1":
            s3.create_bucket(Bucket=args.bucket)
        else:
            s3.create_bucket(Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": args.region})
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    queue_url = sqs.create_queue(QueueName=args.queue,
                                 Attributes={"VisibilityTimeout": str(args.visibility_timeout)})["QueueUrl"]

    prefix = args.key_prefix.strip("/")
    prefix = prefix + "/" if prefix else ""
    files, event_ids, bodies, digest_entries = [], [], [], []
    seq = int(end.timestamp()) << 20
    when_first = end - timedelta(minutes=5 * args.files)
    if args.test_event:
        te = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": ts_ms(when_first),
              "Bucket": args.bucket, "RequestId": "".join(rng.choice("0123456789ABCDEF") for _ in range(16)),
              "HostId": base64.b64encode(rng.randbytes(48)).decode()}
        bodies.append(sns_wrap(args, rng, te, when_first) if args.sns_wrapped else te)
    for i in range(args.files):
        # file i holds the five minutes before its delivery; deliveries 5 minutes apart, ending at `end`
        delivered = end - timedelta(minutes=5 * (args.files - 1 - i))
        times = sorted(delivered - timedelta(seconds=30) - timedelta(milliseconds=rng.randint(0, 270_000))
                       for _ in range(args.records_per_file))
        records = [gen.record(t.replace(microsecond=0)) for t in times]
        event_ids.extend(r["eventID"] for r in records)
        suffix = "".join(rng.choice(_ALNUM) for _ in range(16))
        key = "%sAWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz" % (
            prefix, args.account, args.region, delivered.strftime("%Y/%m/%d"), args.account, args.region,
            delivered.strftime("%Y%m%dT%H%MZ"), suffix)
        raw = json.dumps({"Records": records}, separators=(",", ":")).encode()
        body = gz(raw)
        s3.put_object(Bucket=args.bucket, Key=key, Body=body, ContentType="application/json",
                      ContentEncoding="gzip", ServerSideEncryption="AES256")
        files.append(key)
        seq += 1
        ev = s3_event(args, rng, key, len(body), hashlib.md5(body).hexdigest(), delivered, seq)
        bodies.append(sns_wrap(args, rng, ev, delivered) if args.sns_wrapped else ev)
        digest_entries.append({"s3Bucket": args.bucket, "s3Object": key, "hashValue": hashlib.sha256(raw).hexdigest(),
                               "hashAlgorithm": "SHA-256",
                               "newestEventTime": ts(max(times)) if times else ts(delivered),
                               "oldestEventTime": ts(min(times)) if times else ts(delivered)})
    digest_key = None
    if not args.no_digest:
        dend = end + timedelta(minutes=1)
        digest_key = "%sAWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_management-trail_%s_%s.json.gz" % (
            prefix, args.account, args.region, dend.strftime("%Y/%m/%d"), args.account, args.region, args.region,
            dend.strftime("%Y%m%dT%H%M%SZ"))
        digest = {"awsAccountId": args.account, "digestStartTime": ts(dend - timedelta(hours=1)),
                  "digestEndTime": ts(dend), "digestS3Bucket": args.bucket, "digestS3Object": digest_key,
                  "digestPublicKeyFingerprint": hashlib.md5(b"%d" % args.seed).hexdigest(),
                  "digestSignatureAlgorithm": "SHA256withRSA",
                  "newestEventTime": digest_entries[-1]["newestEventTime"] if digest_entries else None,
                  "oldestEventTime": digest_entries[0]["oldestEventTime"] if digest_entries else None,
                  "previousDigestS3Bucket": None, "previousDigestS3Object": None,
                  "previousDigestHashValue": None, "previousDigestHashAlgorithm": None,
                  "previousDigestSignature": None, "logFiles": digest_entries}
        dbody = gz(json.dumps(digest, separators=(",", ":")).encode())
        s3.put_object(Bucket=args.bucket, Key=digest_key, Body=dbody, ContentType="application/json",
                      ContentEncoding="gzip",
                      Metadata={"signature": rng.randbytes(256).hex(), "signing-algorithm": "SHA256withRSA"})
        seq += 1
        ev = s3_event(args, rng, digest_key, len(dbody), hashlib.md5(dbody).hexdigest(), dend, seq)
        bodies.append(sns_wrap(args, rng, ev, dend) if args.sns_wrapped else ev)

    for i in range(0, len(bodies), 10):
        batch = [{"Id": str(i + j), "MessageBody": json.dumps(b, separators=(",", ":"))}
                 for j, b in enumerate(bodies[i:i + 10])]
        res = sqs.send_message_batch(QueueUrl=queue_url, Entries=batch)
        if res.get("Failed"):
            sys.exit("send_message_batch failed: %r" % res["Failed"])
    out = {"queue_url": queue_url, "bucket": args.bucket, "event_ids": event_ids, "files": files,
           "digest": digest_key, "messages": len(bodies), "records": len(event_ids)}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def count_messages(args):
    _, sqs = clients(args.endpoint, args.region)
    url = sqs.get_queue_url(QueueName=args.queue)["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])["Attributes"]
    vis = int(attrs.get("ApproximateNumberOfMessages", 0))
    nvis = int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0))
    out = {"ApproximateNumberOfMessages": vis, "ApproximateNumberOfMessagesNotVisible": nvis,
           "ApproximateNumberOfMessagesDelayed": int(attrs.get("ApproximateNumberOfMessagesDelayed", 0)),
           "total": vis + nvis}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description="Seed moto with CloudTrail logs in S3 and S3 notifications in SQS")
    p.add_argument("--endpoint", required=True, help="moto server URL, e.g. http://127.0.0.1:5000")
    p.add_argument("--bucket")
    p.add_argument("--queue", required=True)
    p.add_argument("--files", type=int, default=1)
    p.add_argument("--records-per-file", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--visibility-timeout", type=int, default=5)
    p.add_argument("--sns-wrapped", action="store_true", help="wrap each S3 notification in an SNS envelope")
    p.add_argument("--test-event", action="store_true", help="first message: the s3:TestEvent")
    p.add_argument("--no-digest", action="store_true", help="no CloudTrail-Digest file (and no message for it)")
    p.add_argument("--key-prefix", default="", help="the trail's S3 key prefix (before AWSLogs/)")
    p.add_argument("--time", help="delivery time of the last file (ISO 8601 UTC); default now")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--account", default="123456789012")
    p.add_argument("--count-messages", action="store_true",
                   help="print the queue's message counts as JSON instead of seeding")
    args = p.parse_args()
    os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.count_messages:
        count_messages(args)
    else:
        if not args.bucket:
            p.error("--bucket is required to seed")
        seed(args)


if __name__ == "__main__":
    main()
