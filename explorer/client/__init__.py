"""The CloudSigma API 2.0 client: sync and async twins over one sans-IO core (no pandas here)."""

from explorer.client.api import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.auth import Secret
from explorer.client.deletion import Deletion
from explorer.client.plans import WaitTimeoutError
from explorer.client.reconcile import default_snapshot_name
from explorer.client.regions import LOCATIONS, normalize_endpoint, region_endpoint, resolve_endpoint
from explorer.client.retry import NO_RETRY, RetryPolicy

__all__ = [
    "LOCATIONS",
    "NO_RETRY",
    "AsyncCloudSigmaClient",
    "CloudSigmaClient",
    "Deletion",
    "RetryPolicy",
    "Secret",
    "WaitTimeoutError",
    "default_snapshot_name",
    "normalize_endpoint",
    "region_endpoint",
    "resolve_endpoint",
]
