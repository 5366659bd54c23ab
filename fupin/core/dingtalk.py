"""Posting a text message to a DingTalk group robot (钉钉群机器人), as counties configure one.

The robot's webhook takes {"msgtype": "text", "text": {"content": …}, "at": {"atMobiles": […]}}
and answers {"errcode": 0, "errmsg": "ok"} when it accepted the message. A failure is returned as
text for the caller to keep beside its in-app notice; it is never raised, because a robot that is
down must not cost anyone their reminder.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

TIMEOUT_SECONDS = 5


def send_text(url: str, content: str, at_mobiles: Sequence[str] = ()) -> str:
    """ "ok", or why the robot did not take the message (at most 300 characters)."""
    body = json.dumps(
        {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": list(at_mobiles)}},
        ensure_ascii=False,
    ).encode()
    if not url.startswith(("http://", "https://")):
        return "钉钉机器人地址应以 http:// 或 https:// 开头"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (county-configured URL)
            answer = response.read(10_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return f"钉钉返回HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"无法连接钉钉：{reason}"[:300]
    try:
        reply = json.loads(answer)
    except ValueError:
        return "钉钉的应答无法识别"
    if isinstance(reply, dict) and reply.get("errcode", 0) != 0:
        return f"钉钉返回错误{reply.get('errcode')}：{reply.get('errmsg', '')}"[:300]
    return "ok"
