"""`/healthz` for load balancers, answered before the Host check and the https redirect.

A load balancer checks each app server directly: over plain http, often with the
server's own address as Host (some, like cloud load balancers, cannot send another).
Further down the stack Django would answer such a check 400 (a Host not in
ALLOWED_HOSTS) or 301 (SECURE_SSL_REDIRECT), and the server would be taken out of
service while healthy. This middleware, first in MIDDLEWARE, answers `/healthz` itself
with newsportal.views.health: 200 when the database answers, 503 otherwise. The
answer says nothing but that, so it needs neither the Host nor https.
"""

from . import views

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer GET/HEAD `/healthz` before any other middleware; pass everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return views.health(request)
        return self.get_response(request)
