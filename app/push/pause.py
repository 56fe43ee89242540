"""A circuit breaker per push service: after repeated failures, stop sending to it a while."""
import logging
from datetime import datetime, timedelta

log = logging.getLogger(__name__)


class ServicePause:
    """A circuit breaker per push service: after repeated failures, stop sending to it a while."""

    def __init__(self, threshold: int, seconds: float, max_seconds: float):
        self.threshold, self.seconds, self.max_seconds = threshold, seconds, max_seconds
        self.failures: dict[str, int] = {}
        self.trips: dict[str, int] = {}
        self.until: dict[str, datetime] = {}

    def paused(self, now: datetime) -> set[str]:
        """Return the push services not to send to now."""
        return {service for service, until in self.until.items() if until > now}

    def succeeded(self, service: str) -> None:
        self.failures.pop(service, None)
        self.trips.pop(service, None)
        self.until.pop(service, None)

    def failed(self, service: str, now: datetime) -> None:
        if service in self.until and self.until[service] > now:
            return  # answers from before the pause began do not lengthen it
        self.failures[service] = self.failures.get(service, 0) + 1
        if self.failures[service] >= self.threshold:
            trips = self.trips.get(service, 0)
            pause = min(self.max_seconds, self.seconds * 2 ** trips)
            self.until[service] = now + timedelta(seconds=pause)
            self.trips[service] = trips + 1
            self.failures[service] = 0
            log.warning("Pausing pushes to %s for %.0f s after repeated failures", service, pause)
