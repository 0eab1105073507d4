import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproj.settings")
django_application = get_asgi_application()
if os.environ.get("BENCH_REQUEST_THREADS", "1") != "0":  # every stack alike (README.md)
    from ninja_viewsets.asgi import RequestThreads

    django_application = RequestThreads(django_application)


async def application(scope, receive, send):
    """Django's ASGI application, with 204 responses sent without content (RFC 9110 15.3.5).

    Only ninja-extra's delete needs it: its 204 carries a body with `Content-Length: 0`, which
    uvicorn's h11 refuses to send mid-response. Django then never finishes the request, so under
    a connection pool (`BENCH_DB=postgres`) each such request leaks a pooled connection and the
    server hangs once the pool is used up. The other stacks send their 204s empty: for them
    this changes nothing. See NOTES.md.
    """
    if scope["type"] != "http":
        return await django_application(scope, receive, send)
    no_content = False

    async def send_conforming(message):
        nonlocal no_content
        if message["type"] == "http.response.start":
            no_content = message["status"] == 204
        elif no_content and message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return await django_application(scope, receive, send_conforming)
