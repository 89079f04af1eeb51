"""Fixes and speed-ups applied to moto inside the sandbox, each for a reason stated here.

They change no answer a client sees except where moto differs from AWS (IAM ListUsers paging,
SigV4 checks of encoded query strings); the rest only make a 50,000-object bucket fast to
load and list.
"""

import hashlib
import io
import tempfile
import threading

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import _RESTError as RESTError  # the base of moto's own auth errors
from moto.core.responses import BaseResponse
from moto.iam.responses import IamResponse
from moto.s3.models import FakeKey, S3Backend
from moto.s3.utils import _VersionedKeyStore
from moto.utilities.utils import LowercaseDict

S3_MAX_KEYS = 1000

# Bumped on every change to any bucket's keys, so cached listings are never stale.
_generation = [0]


class _Unsigned(RESTError):
    code = 403

    def __init__(self):
        super().__init__(
            "AccessDenied",
            "The sandbox answers signed requests only (AWS Signature Version 4): use its keys, from .sandbox/state.json.",
        )


class _TooSkewed(RESTError):
    code = 403

    def __init__(self, request_time):
        # Code, status and body as S3 answers (public error bodies carry these fields): a signed
        # request more than 15 minutes away from the server's clock. moto does not check the time.
        super().__init__("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
        import time
        from xml.sax.saxutils import escape

        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.description = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeTooSkewed</Code>'
            f"<Message>{escape(self.message)}</Message><RequestTime>{escape(request_time)}</RequestTime>"
            f"<ServerTime>{now}</ServerTime><MaxAllowedSkewMilliseconds>{MAX_SKEW_SECONDS * 1000}</MaxAllowedSkewMilliseconds></Error>"
        )


MAX_SKEW_SECONDS = 15 * 60


def _too_skewed(headers):
    """The request's X-Amz-Date when it is more than 15 minutes from now, else None."""
    import calendar
    import time

    stamp = headers.get("X-Amz-Date") or headers.get("x-amz-date")
    if not stamp:
        return None
    try:
        sent = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return None
    return stamp if abs(time.time() - sent) > MAX_SKEW_SECONDS else None


def _signed_query_fix():
    """Check SigV4 against the path and query string exactly as the client sent them.

    moto rebuilds the URL from werkzeug's decoded form, so `prefix=a%2F` becomes `prefix=a/` and
    every signed S3 listing with a Prefix or Delimiter fails with SignatureDoesNotMatch
    (getmoto/moto#5948). The raw request line keeps the client's encoding.
    """
    from urllib.parse import urlparse, urlunparse

    original_setup = BaseResponse.setup_class
    original_auth = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def setup_class(self, request, full_url, headers, use_raw_body=False):
        original_setup(self, request, full_url, headers, use_raw_body)
        environ = getattr(request, "environ", None) or {}
        raw = urlparse(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
        self._raw_query = raw.query
        self._raw_path = raw.path

    def authenticate(self, iam_request_cls, resource="*"):
        signed = "Authorization" in self.headers or "X-Amz-Signature" in (getattr(self, "_raw_query", "") or "")
        if not signed and ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT:
            # moto fails on a missing Authorization header with a KeyError (HTTP 500); AWS says 403.
            raise _Unsigned()
        skewed = _too_skewed(self.headers) if "Authorization" in self.headers else None
        if skewed and type(self).__module__.startswith("moto.s3"):
            # Checked before the signature, as S3 does: a replayed or badly clocked request fails
            # here. S3 only: other services word it differently (DynamoDB: "Signature expired").
            raise _TooSkewed(skewed)
        raw_query = getattr(self, "_raw_query", "")
        raw_path = getattr(self, "_raw_path", "")
        if not raw_query and not raw_path:
            return original_auth(self, iam_request_cls, resource)
        # The path too, as sent: keys with spaces, "+", "%", "\\" or non-ASCII letters are signed
        # in their encoded form, which werkzeug has decoded by now.
        decoded_uri = self.uri
        parts = urlparse(decoded_uri)
        self.uri = urlunparse(parts._replace(query=raw_query or parts.query, path=raw_path or parts.path))
        try:
            return original_auth(self, iam_request_cls, resource)
        finally:
            self.uri = decoded_uri

    BaseResponse.setup_class = setup_class
    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate


def _iam_list_users_paging():
    """IAM ListUsers with MaxItems (default 100, as AWS) and Marker; moto returns everything."""
    from moto.core.responses import ActionResult
    from moto.iam.exceptions import NotFoundException as IAMNotFoundException

    def list_users(self):
        path_prefix = self._get_param("PathPrefix")
        marker = self._get_param("Marker")
        max_items = int(self._get_param("MaxItems") or 100)
        users = sorted(self.backend.list_users(path_prefix, None, None), key=lambda u: u.name)
        names = [u.name for u in users]
        start = 0
        if marker:
            if marker not in names:
                raise IAMNotFoundException(f"Invalid Marker: {marker}")
            start = names.index(marker)
        result = {"Users": users[start : start + max_items], "IsTruncated": start + max_items < len(users)}
        if result["IsTruncated"]:
            result["Marker"] = names[start + max_items]
        return ActionResult(result)

    IamResponse.list_users = list_users


def _track_key_changes():
    def bump(name):
        original = getattr(_VersionedKeyStore, name)

        def wrapper(self, *args, **kwargs):
            _generation[0] += 1
            return original(self, *args, **kwargs)

        setattr(_VersionedKeyStore, name, wrapper)

    for name in ("__setitem__", "setlist", "pop", "__delitem__", "clear", "update"):
        bump(name)


def _indexed_listing():
    """List a prefix from a sorted index of key names instead of scanning the bucket.

    moto scans and sorts every key of the bucket on each ListObjects call (~0.25 s for 50,000
    keys), so a fan-out over 300 month prefixes cost a minute. Here the names are sorted once
    per bucket state and a prefix is a bisect away; results per (prefix, delimiter) are kept
    for the following pages. Filtering and folder grouping follow moto's own code.
    """
    from bisect import bisect_left

    from moto.s3.models import FakeDeleteMarker

    indexes = {}
    listings = {}
    lock = threading.Lock()

    def sorted_names(bucket):
        ck = (id(bucket), _generation[0])
        names = indexes.get(ck)
        if names is None:
            names = sorted(dict.keys(bucket.keys))
            with lock:
                indexes.clear()
                indexes[ck] = names
        return names

    def scan(bucket, prefix, delimiter):
        names = sorted_names(bucket)
        prefix = prefix or ""
        lo = bisect_left(names, prefix)
        hi = bisect_left(names, prefix + "\U0010ffff") if prefix else len(names)
        keys, folders = [], set()
        for name in names[lo:hi]:
            rest = name[len(prefix):]
            if delimiter and delimiter in rest:
                folders.add(prefix + rest.split(delimiter)[0] + delimiter)
                continue
            key = bucket.keys[name]
            if not isinstance(key, FakeDeleteMarker):
                keys.append(key)
        return keys, sorted(folders)

    def list_objects(self, bucket, prefix, delimiter, marker, max_keys):
        if max_keys is not None:
            max_keys = min(max_keys, S3_MAX_KEYS)
        ck = (id(bucket), prefix, delimiter, _generation[0])
        hit = listings.get(ck)
        if hit is None:
            hit = scan(bucket, prefix, delimiter)
            with lock:
                if len(listings) > 4096:
                    listings.clear()
                listings[ck] = hit
        key_results, folder_results = list(hit[0]), list(hit[1])
        if marker:
            limit = self._pagination_tokens.get(marker) or marker
            key_results = self._get_results_from_token(key_results, limit)
        if max_keys is None:  # called by list_objects_v2, which pages by itself
            return key_results, folder_results, False, None
        # ListObjects (v1) as S3 does it: the marker is a key name, and NextMarker is sent only
        # with a Delimiter (clients continue from the last key otherwise). moto sent an opaque
        # hash as NextMarker every time.
        is_truncated = len(key_results) > max_keys
        key_results = key_results[:max_keys]
        next_marker = key_results[-1].name if is_truncated and delimiter and key_results else None
        return key_results, folder_results, is_truncated, next_marker

    S3Backend.list_objects = list_objects
    original_v2 = S3Backend.list_objects_v2

    def list_objects_v2(self, bucket, prefix, delimiter, continuation_token, start_after, max_keys):
        # S3 never returns more than 1,000 keys a page, whatever MaxKeys asks; moto would.
        return original_v2(self, bucket, prefix, delimiter, continuation_token, start_after, min(max_keys, S3_MAX_KEYS))

    S3Backend.list_objects_v2 = list_objects_v2


def _memoised_timestamps():
    """Format each distinct timestamp once: moto re-parses LastModified with dateutil for every
    key of every page (~0.2 s of a 1,000-key page), and seeded keys share one timestamp."""
    from moto.core.serialize import TimestampSerializer

    original = TimestampSerializer._convert_timestamp_to_str
    cache = {}

    def convert(self, value, timestamp_format):
        try:
            ck = (value, timestamp_format)
            hit = cache.get(ck)
        except TypeError:  # unhashable value
            return original(self, value, timestamp_format)
        if hit is None:
            hit = original(self, value, timestamp_format)
            if len(cache) > 10000:
                cache.clear()
            cache[ck] = hit
        return hit

    TimestampSerializer._convert_timestamp_to_str = convert


def _fast_listing_xml():
    """Write ListObjects/ListObjectsV2 responses directly.

    moto's generic serializer walks the botocore shape model for every field of every key:
    ~0.3 s for a 1,000-key page, ten times the rest of the request. Emulated S3 would then be
    CPU-bound in one Python thread, and parallel listings could never overlap as they do on
    real S3. The XML written here has the same elements as moto's.
    """
    import uuid
    from xml.sax.saxutils import escape

    from moto.s3.responses import S3Response

    original = S3Response.serialized
    order = ["IsTruncated", "Contents", "Name", "Prefix", "Delimiter", "MaxKeys", "CommonPrefixes",
             "EncodingType", "KeyCount", "Marker", "NextMarker", "ContinuationToken", "NextContinuationToken", "StartAfter"]

    def text(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return escape(str(v))

    def element(name, value):
        if isinstance(value, dict):
            return f"<{name}>" + "".join(element(k, v) for k, v in value.items() if v is not None) + f"</{name}>"
        if isinstance(value, list):
            return "".join(element(name, v) for v in value)
        return f"<{name}>{text(value)}</{name}>"

    def serialized(self, action_result):
        action = self.data.get("Action")
        result = getattr(action_result, "result", None)
        if action not in ("ListObjectsV2", "ListObjects") or not isinstance(result, dict):
            return original(self, action_result)
        body = ['<?xml version="1.0" encoding="utf-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">']
        for k in order:
            if k in result and result[k] is not None:
                body.append(element(k, result[k]))
        body.append("</ListBucketResult>")
        headers = {"Content-Type": "application/xml", "x-amzn-requestid": uuid.uuid4().hex}
        headers.update(self.response_headers)
        return 200, headers, "".join(body).encode("utf-8")

    S3Response.serialized = serialized


def _part_heads():
    """HEAD with ?partNumber=N on a seeded multipart object answers as S3 does.

    S3 answers 206 with the part's length, its Content-Range and x-amz-mp-parts-count, which is
    how a client learns the part boundaries it needs to check a multipart ETag (HeadObject,
    PartNumber: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). moto
    knows parts only of objects uploaded through its multipart API; seeded objects carry
    their part size in `_kit_part_size` instead.
    """
    from moto.s3.responses import S3Response

    original = S3Response.head_object

    def head_object(self, bucket_name, query, key_name, headers):
        part = query.get("partNumber", [None])[0]
        key = None
        if part:
            try:
                key = self.backend.get_object(bucket_name, key_name)
            except Exception:
                key = None
        part_size = getattr(key, "_kit_part_size", None)
        if not part_size:
            return original(self, bucket_name, query, key_name, headers)
        rest = {k: v for k, v in query.items() if k != "partNumber"}
        status, out, body = original(self, bucket_name, rest, key_name, headers)
        if status != 200:
            return status, out, body
        total = key.size
        count = -(-total // part_size)
        n = int(part) if str(part).isdigit() else 0
        if not 1 <= n <= count:
            return 416, {"content-type": "application/xml"}, b""
        start = (n - 1) * part_size
        end = min(total, n * part_size) - 1
        out = dict(out)
        out["content-length"] = str(end - start + 1)
        out["content-range"] = f"bytes {start}-{end}/{total}"
        out["x-amz-mp-parts-count"] = str(count)
        return 206, out, b""

    S3Response.head_object = head_object


def bulk_put(backend, bucket_name, objects, part_size=None):
    """Put many objects at once, cloning one FakeKey built the normal way.

    `objects` yields (key, body, ETag or None: an MD5, or a multipart one like "<hex>-3"); a
    multipart one was cut into parts of `part_size` bytes (see _part_heads). moto's put_object costs ~80 us an object (ACLs, clocks, notifications); a clone with its own
    name, body, ETag and lock costs a fraction, which makes a warm sandbox start in seconds.
    Returns the number of objects put.
    """
    it = iter(objects)
    first = next(it, None)
    if first is None:
        return 0
    proto = backend.put_object(bucket_name, first[0], first[1])
    limit = proto._max_buffer_size
    bucket = backend.get_bucket(bucket_name)
    base = dict(proto.__dict__)
    count = 1
    for name, body, etag in it:
        key = FakeKey.__new__(FakeKey)
        state = dict(base)
        state["name"] = name
        state["lock"] = threading.Lock()
        state["_metadata"] = LowercaseDict(proto._metadata)
        # A plain BytesIO does what moto needs of a small body (seek, read, write, truncate);
        # large ones keep moto's spill-to-disk buffer.
        buffer = io.BytesIO() if len(body) < limit else tempfile.SpooledTemporaryFile(limit)
        buffer.write(body)
        state["_value_buffer"] = buffer
        state["contentsize"] = len(body)
        state["_etag"] = etag or hashlib.md5(body).hexdigest()
        if etag and "-" in etag and part_size:
            state["_kit_part_size"] = part_size
        key.__dict__ = state
        dict.__setitem__(bucket.keys, name, [key])
        count += 1
    _generation[0] += 1
    return count


def apply():
    _signed_query_fix()
    _iam_list_users_paging()
    _track_key_changes()
    _indexed_listing()
    _memoised_timestamps()
    _fast_listing_xml()
    _part_heads()
