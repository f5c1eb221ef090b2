# SPDX-License-Identifier: ISC
# SIP messages for the tests' own peers (sippeer.py, flood.py, forge.py,
# torture.py): built from their lines and taken apart again, by code that
# shares nothing with sipd.

CRLF = "\r\n"
# RFC 3261 §7.3.3: the compact forms the tests meet.
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id",
           "m": "contact", "l": "content-length", "c": "content-type"}


def build(lines, body=b""):
    """A message from its start-line and headers, Content-Length last."""
    if isinstance(body, str):
        body = body.encode()
    head = CRLF.join(list(lines) + ["Content-Length: %d" % len(body), "",
                                    ""])
    return head.encode() + body


def parse(data):
    """(start-line, {lowercase long name: [values]}, body) or None."""
    text = data.decode("utf-8", "replace")
    sep = text.find("\r\n\r\n")
    if sep == -1:
        return None
    head, body = text[:sep], text[sep + 4:]
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        name = name.strip().lower()
        hdrs.setdefault(COMPACT.get(name, name), []).append(value.strip())
    return lines[0], hdrs, body


def status(start):
    """The code of a status line (str or bytes, a message will do), or
    None for a request or garbage."""
    if isinstance(start, bytes):
        start = start.decode("latin-1")
    parts = start.split("\n", 1)[0].rstrip("\r").split(" ", 2)
    if len(parts) >= 2 and parts[0].upper().startswith("SIP/"):
        try:
            return int(parts[1])
        except ValueError:
            return None
    return None
