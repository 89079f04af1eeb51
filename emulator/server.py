"""The sandbox: moto's server on loopback, seeded with flat files and pagination examples.

Started by the kit's launcher (src/sandbox/launcher.ts), which builds the data packs first.
Seeds what it can at once, loads the flat files when its standard input says "load", then
prints one JSON line: {"ready": true, "endpoint": ..., "accessKeyId": ..., ...}.
Exits when its standard input closes, so it never outlives the process that started it.

Why a Python host and not `python -m moto.server`: S3 objects are put straight into moto's
backend (50,000 objects in about a second instead of minutes over HTTP), and moto's IAM
ListUsers, which ignores MaxItems and Marker, is given real pagination.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time

STARTED = time.time()

# moto reads these at import time.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # every request is signed and checked against IAM
os.environ["MOTO_S3_DEFAULT_MAX_KEYS"] = "1000"  # as real S3
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # 1,177 sample AMIs cost 0.4 s at start-up

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.s3.models import s3_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

import moto_patches  # noqa: E402

moto_patches.apply()

REGION = "us-east-1"
BUCKET = "flatfiles"
VERSIONS_BUCKET = "kit-versions"
SCRATCH_BUCKET = "kit-scratch"
SANDBOX_USER = "flatfiles-sandbox"
# The dataset a plan "does not include", so the sandbox can show a 403 like the real service.
DENIED_PREFIX = "us_options_opra/quotes_v1/"
TEAMS = ["research", "trading", "data", "risk", "ops"]


def create_credentials():
    """An IAM user with a policy like a flat-files plan: everything but one dataset."""
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user(REGION, SANDBOX_USER, path="/")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "ec2:*", "iam:*"], "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": ["s3:GetObject"],
                "Resource": f"arn:aws:s3:::{BUCKET}/{DENIED_PREFIX}*",
            },
        ],
    }
    iam.put_user_policy(SANDBOX_USER, "flatfiles-plan", json.dumps(policy))
    key = iam.create_access_key(SANDBOX_USER)
    return key.access_key_id, key.secret_access_key


def load_flat_files(cache_dir):
    """Put every object of the seed manifest into the bucket, straight into moto's backend."""
    with open(os.path.join(cache_dir, "manifest.json")) as f:
        manifest = json.load(f)
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    s3.create_bucket(BUCKET, REGION)
    packs = {}

    def objects():
        for obj in manifest["objects"]:
            data = packs.get(obj["pack"])
            if data is None:
                with open(os.path.join(cache_dir, "packs", obj["pack"]), "rb") as f:
                    data = packs[obj["pack"]] = f.read()
            yield obj["key"], data[obj["offset"] : obj["offset"] + obj["size"]], obj.get("etag")

    return moto_patches.bulk_put(s3, BUCKET, objects(), manifest.get("partSize"))


def create_scratch_bucket():
    """An empty bucket for tests and notebooks that write, so the flat-files bucket stays as seeded."""
    s3_backends[DEFAULT_ACCOUNT_ID]["aws"].create_bucket(SCRATCH_BUCKET, REGION)


def seed_versions():
    """A small versioned bucket: several versions per key and some delete markers, for the
    two-token ListObjectVersions paginator (moto scans a whole bucket per request, so the
    big flat-files bucket would make it slow)."""
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    s3.create_bucket(VERSIONS_BUCKET, REGION)
    s3.put_bucket_versioning(VERSIONS_BUCKET, "Enabled")
    for i in range(40):
        for v in range(1 + i % 4):
            s3.put_object(VERSIONS_BUCKET, f"reports/{i:03d}.csv", f"report {i} version {v}\n".encode())
    for i in range(0, 40, 7):
        s3.delete_object(VERSIONS_BUCKET, f"reports/{i:03d}.csv")


def seed_iam_users():
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    for i in range(1, 121):
        iam.create_user(REGION, f"learner-{i:03d}", path=f"/{TEAMS[i % len(TEAMS)]}/")


def seed_services(endpoint, key_id, secret):
    """EC2 instances and a DynamoDB table, created over signed HTTP like any client would.

    Runs after the sandbox reports ready: importing moto's EC2 layer alone takes ~1.7 s. Until
    it is done, requests to those two services wait (see ServiceGate), so nobody sees half.
    """
    import boto3

    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key_id, aws_secret_access_key=secret)

    def mark(request, **_):
        request.headers["X-Sandbox-Seeding"] = "1"  # lets these requests through the gate

    ddb = boto3.client("dynamodb", **kw)
    ddb.meta.events.register("before-send", mark)
    ddb.create_table(
        TableName="tickers",
        KeySchema=[{"AttributeName": "ticker", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "ticker", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sectors = ["Technology", "Financials", "Health Care", "Energy", "Industrials", "Utilities"]
    items = []
    for i in range(500):
        name = "".join(chr(65 + (i // 26**k) % 26) for k in range(3))
        items.append(
            {
                "PutRequest": {
                    "Item": {
                        "ticker": {"S": f"T{name}{i:03d}"},
                        "sector": {"S": sectors[i % len(sectors)]},
                        "price": {"N": f"{10 + (i * 37) % 400}.{i % 100:02d}"},
                        "listed": {"N": str(1990 + i % 35)},
                    }
                }
            }
        )
    for i in range(0, len(items), 25):
        ddb.batch_write_item(RequestItems={"tickers": items[i : i + 25]})

    # A table of big items (about 100 KB each, 4 MB in all), so a Scan meets DynamoDB's 1 MB
    # page limit long before any item count: pages stop at 1 MB whatever Limit says.
    ddb.create_table(
        TableName="filings",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for start in range(0, 40, 10):
        batch = [
            {"PutRequest": {"Item": {"id": {"S": f"filing-{i:03d}"}, "text": {"S": f"{i:03d} " + "x" * 100_000}}}}
            for i in range(start, start + 10)
        ]
        ddb.batch_write_item(RequestItems={"filings": batch})

    # moto draws instance and reservation ids from its own random source: seeded, the same ids
    # come back on every start, so saved notebook outputs do not change with each run.
    from moto.moto_api._internal import mock_random

    mock_random.seed(2026)
    ec2 = boto3.client("ec2", **kw)
    ec2.meta.events.register("before-send", mark)
    # An Amazon Linux 2 image id; moto does not check it, and DescribeImages would cost 3 s.
    image = "ami-0c02fb55956c7d316"
    for i in range(12):  # 12 reservations of 1-5 instances: 36 instances in all
        ec2.run_instances(
            ImageId=image,
            MinCount=1 + i % 5,
            MaxCount=1 + i % 5,
            InstanceType=["t3.micro", "t3.small", "m5.large"][i % 3],
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": TEAMS[i % 5]}]}],
        )


class ServiceGate:
    """Holds client requests to DynamoDB and EC2 until their seed data exists, and closes
    moto's unauthenticated internal API.

    The seeding requests themselves carry a marker header and pass straight through.
    """

    SERVICES = ("/dynamodb/aws4_request", "/ec2/aws4_request")

    def __init__(self):
        self.ready = threading.Event()

    def install(self):
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication

        original = DomainDispatcherApplication.__call__
        gate = self

        def call(app, environ, start_response):
            # moto's own API (/moto-api/) answers without a signature: data.json holds the
            # sandbox's secret key and reset wipes it, readable by any web page the user opens
            # (moto sends permissive CORS headers). The kit never uses it, so it is closed.
            if environ.get("PATH_INFO", "").startswith("/moto-api"):
                start_response("403 Forbidden", [("Content-Type", "text/plain")])
                return [b"The sandbox does not serve moto's internal API.\n"]
            auth = environ.get("HTTP_AUTHORIZATION", "")
            if not gate.ready.is_set() and "HTTP_X_SANDBOX_SEEDING" not in environ and any(s in auth for s in gate.SERVICES):
                gate.ready.wait(60)
            return original(app, environ, start_response)

        DomainDispatcherApplication.__call__ = call


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache-dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    phases = {"import": round(time.time() - STARTED, 2)}
    key_id, secret = create_credentials()
    seed_versions()
    create_scratch_bucket()
    seed_iam_users()
    gate = ServiceGate()
    gate.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    phases["boot"] = round(time.time() - STARTED, 2)
    # The launcher builds the data packs meanwhile, then says "load" (or closes stdin to abort).
    if sys.stdin.readline().strip() != "load":
        server.stop()
        return
    t = time.time()
    count = load_flat_files(args.cache_dir)
    phases["flatfiles"] = round(time.time() - t, 2)

    def seed_in_background():
        t = time.time()
        try:
            seed_services(endpoint, key_id, secret)
        finally:
            phases["services_after_ready"] = round(time.time() - t, 2)
            gate.ready.set()

    threading.Thread(target=seed_in_background, daemon=True).start()

    def stop(*_):
        server.stop()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        json.dumps(
            {
                "ready": True,
                "endpoint": endpoint,
                "region": REGION,
                "bucket": BUCKET,
                "accessKeyId": key_id,
                "secretAccessKey": secret,
                "objects": count,
                "deniedPrefix": DENIED_PREFIX,
                "pid": os.getpid(),
                "seconds": round(time.time() - STARTED, 2),
                "phases": phases,
            }
        ),
        flush=True,
    )
    # Block until the parent closes our stdin (or dies), then stop.
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
