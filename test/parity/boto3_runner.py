"""Run pagination scenarios through boto3 against the sandbox and print what came out.

Reads {"sandbox": {...state...}, "scenarios": [...]} on stdin; writes a JSON list of results
in the same order. The TypeScript parity test runs the same scenarios through the kit and
compares field by field.
"""

import base64
import datetime
import json
import sys

import boto3
from botocore.config import Config


def identity(item):
    """A short stable id for an item of any result key."""
    if isinstance(item, dict):
        for k in ("Key", "Prefix", "UserName", "ReservationId", "RoleName", "PolicyName"):
            if k in item:
                return item[k]
        if "ticker" in item:
            return item["ticker"]["S"]
    return item


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def decode(token):
    if token is None:
        return None
    return json.loads(base64.b64decode(token))


def run(clients, s):
    client = clients[s["service"]]
    paginator = client.get_paginator(s["operation"])
    result_keys = [k.expression for k in paginator.result_keys]
    it = paginator.paginate(**s.get("params", {}), PaginationConfig=s.get("config", {}))
    out = {"resultKeys": result_keys}
    if s.get("mode") == "search":
        out["search"] = [identity(x) if isinstance(x, dict) else x for x in it.search(s["expression"])]
    elif s.get("mode") == "full":
        full = it.build_full_result()
        out["full"] = {
            k: ([identity(x) for x in v] if isinstance(v, list) else plain(v)) for k, v in full.items()
        }
        if "NextToken" in full:
            out["full"]["NextToken"] = decode(full["NextToken"])
    else:
        pages = []
        for page in it:
            pages.append({k: (len(page[k]) if isinstance(page.get(k), list) else page.get(k)) for k in result_keys if k in page})
            pages[-1]["ids"] = [identity(x) for x in (page.get(result_keys[0]) or [])][:3] if isinstance(page.get(result_keys[0]), list) else []
        out["pages"] = pages
    out["resumeToken"] = it.resume_token
    out["resume"] = decode(it.resume_token)
    return out


def main():
    req = json.load(sys.stdin)
    sb = req["sandbox"]
    kw = dict(
        endpoint_url=sb["endpoint"],
        region_name=sb["region"],
        aws_access_key_id=sb["accessKeyId"],
        aws_secret_access_key=sb["secretAccessKey"],
    )
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3})
    clients = {name: boto3.client(name, config=cfg, **kw) for name in ("s3", "dynamodb", "ec2", "iam")}
    results = []
    for s in req["scenarios"]:
        try:
            results.append(run(clients, s))
        except Exception as e:  # reported, compared like any other outcome
            results.append({"error": type(e).__name__, "message": str(e)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
