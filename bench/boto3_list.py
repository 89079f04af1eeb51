"""Time boto3's list_objects_v2 paginator over N keys of the sandbox (benchmark baseline)."""
import json
import sys
import time

import boto3
from botocore.config import Config

st = json.load(open(sys.argv[1]))
prefix, max_items, runs = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s3 = boto3.client(
    "s3",
    endpoint_url=st["endpoint"],
    region_name=st["region"],
    aws_access_key_id=st["accessKeyId"],
    aws_secret_access_key=st["secretAccessKey"],
    config=Config(s3={"addressing_style": "path"}),
)
times = []
for _ in range(runs):
    t = time.perf_counter()
    n = sum(len(p.get("Contents", [])) for p in s3.get_paginator("list_objects_v2").paginate(
        Bucket="flatfiles", Prefix=prefix, PaginationConfig={"MaxItems": max_items}))
    times.append(time.perf_counter() - t)
    assert n == max_items, n
print(json.dumps(times))
