# pwb's python assertion worker: one JSON request per line on stdin
# ({code, output, context}), one JSON reply per line on stdout. Each
# assertion runs as promptfoo 0.123 runs it: the value becomes the body of
# `def main(output, context)` (a one-liner is `return <value>`).
import json
import re
import sys
import traceback

protocol = sys.stdout
sys.stdout = sys.stderr


def script(value):
    multiline = "\n" in value
    indent = "    "
    if multiline:
        m = re.search(r"^(?!\s*$)\s+", value, re.M)
        if m:
            indent = m.group(0)
        body = "\n".join(indent + line for line in value.split("\n"))
    else:
        body = "    return " + value
    return "import json\n\ndef main(output, context):\n" + body + "\n"


for line in sys.stdin:
    try:
        req = json.loads(line)
        scope = {"__name__": "pwb_assertion"}
        exec(compile(script(req["code"]), "<assertion>", "exec"), scope)
        value = scope["main"](req["output"], req["context"])
        reply = {"ok": True, "value": value}
        text = json.dumps(reply)
    except Exception as e:  # the assertion's own error fails it
        text = json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e), "stack": traceback.format_exc()})
    protocol.write(text + "\n")
    protocol.flush()
