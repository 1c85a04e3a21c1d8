"""Drives the llm-workbench kernel with jupyter_client and prints what it saw as one JSON object.

Run by KernelProtocolTest with JUPYTER_PATH pointing at a kernelspec installed for the test.
It records observations rather than asserting, so the Java test can say exactly what differed.
Every wait has a timeout: a broken kernel makes this script report, not hang.
"""
import json
import os
import queue
import signal
import sys
import time

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

# A shell's background job (`./workbench test &`) starts with SIGINT ignored, and an ignored SIGINT is inherited
# through exec by the kernel's JVM, which then cannot catch it. Give SIGINT a handler here, so the kernel this
# script starts gets the default disposition, as it does when started from a terminal or a notebook server.
signal.signal(signal.SIGINT, signal.default_int_handler)

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "llm-workbench"
seen = {}


def drain_iopub(kc, seconds):
    msgs = []
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return msgs
        try:
            msgs.append(kc.get_iopub_msg(timeout=left))
        except queue.Empty:
            return msgs


def run_cell(kc, code, timeout=60):
    """Executes code; returns (reply content, iopub messages for it up to its idle status)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        outputs.append({"type": m["msg_type"], "content": m["content"]})
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return reply["content"], outputs


def wait_for_stream(kc, msg_id, text, seconds):
    """True once the cell msg_id printed text: it is running, so an interrupt now reaches it, not thin air."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            m = kc.get_iopub_msg(timeout=max(0.1, end - time.time()))
        except queue.Empty:
            return False
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
                and text in m["content"].get("text", "")):
            return True
    return False


def shell_request(kc, send, timeout=30):
    msg_id = send()
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"]


km = KernelManager(kernel_name=KERNEL)
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=60)
    info = shell_request(kc, kc.kernel_info)
    seen["kernel_info"] = {"language": info["language_info"]["name"], "version": info["language_info"]["version"],
                           "file_extension": info["language_info"]["file_extension"],
                           "implementation": info["implementation"], "banner": info["banner"]}

    # a request signed with the wrong key must be ignored: no reply, nothing on iopub
    drain_iopub(kc, 0.5)
    forger = Session(key=b"not-the-connection-key", signature_scheme="hmac-sha256", username="forger")
    forged = forger.msg("execute_request", content={"code": 'System.out.println("forged")', "silent": False,
                                                    "store_history": True, "user_expressions": {},
                                                    "allow_stdin": False, "stop_on_error": True})
    forger.send(kc.shell_channel.socket, forged)
    try:
        bad = kc.get_shell_msg(timeout=3)
        seen["forged_reply"] = bad["msg_type"]
    except queue.Empty:
        seen["forged_reply"] = None
    seen["forged_iopub"] = [m["msg_type"] for m in drain_iopub(kc, 0.5)
                            if m["parent_header"].get("msg_id") == forged["header"]["msg_id"]]

    # the properly signed request right after it is answered
    reply, outputs = run_cell(kc, 'System.out.println("hello from java");\n1 + 1')
    seen["execute"] = {"status": reply["status"], "execution_count": reply.get("execution_count"),
                       "stdout": "".join(o["content"]["text"] for o in outputs
                                         if o["type"] == "stream" and o["content"]["name"] == "stdout"),
                       "result": [o["content"]["data"].get("text/plain") for o in outputs if o["type"] == "execute_result"],
                       "types": [o["type"] for o in outputs]}

    reply, outputs = run_cell(kc, 'int ok = 1;\nString s = 42;')
    seen["compile_error"] = {"status": reply["status"], "ename": reply.get("ename"),
                             "traceback": reply.get("traceback", []),
                             "published": [o["type"] for o in outputs if o["type"] == "error"]}

    # "Run All" sends cells at once: after a failure with stop_on_error the queued ones are aborted, not run
    failing = kc.execute('throw new IllegalStateException("stop here");', stop_on_error=True)
    queued = kc.execute('System.out.println("must not run");', stop_on_error=True)
    replies = {}
    try:
        while len(replies) < 2:
            m = kc.get_shell_msg(timeout=30)
            replies[m["parent_header"].get("msg_id")] = m["content"]["status"]
    except queue.Empty:
        pass
    printed = "".join(m["content"].get("text", "") for m in drain_iopub(kc, 1.0) if m["msg_type"] == "stream")
    seen["stop_on_error"] = {"failing": replies.get(failing), "queued": replies.get(queued), "printed": printed}

    # a cell sent the instant the failure's reply arrives was not queued behind it: it must run, every time
    retried = []
    for attempt in range(10):
        shell_request(kc, lambda: kc.execute('throw new IllegalStateException("again");', stop_on_error=True))
        retried.append(shell_request(kc, lambda attempt=attempt: kc.execute(str(attempt), stop_on_error=True))["status"])
    drain_iopub(kc, 0.5)
    seen["retry_after_error"] = retried

    reply, outputs = run_cell(kc, 'var h = display("first", "live");\nh.update("second");')
    seen["display"] = [{"type": o["type"], "text": o["content"]["data"].get("text/plain"),
                        "display_id": o["content"].get("transient", {}).get("display_id")}
                       for o in outputs if o["type"] in ("display_data", "update_display_data")]

    c = shell_request(kc, lambda: kc.complete("Stri", 4))
    seen["complete"] = {"status": c["status"], "matches": c["matches"][:50], "cursor_start": c["cursor_start"],
                        "cursor_end": c["cursor_end"]}
    seen["is_complete"] = {code: shell_request(kc, lambda code=code: kc.is_complete(code))["status"]
                           for code in ["int x = 1;", "for (int i = 0; i < 3; i++) {", "int x = 1"]}
    seen["is_complete_indent"] = shell_request(kc, lambda: kc.is_complete("for (int i = 0; i < 3; i++) {")).get("indent")
    i = shell_request(kc, lambda: kc.inspect("Math.max(1, 2)", 6))
    seen["inspect"] = {"status": i["status"], "found": i["found"], "text": i["data"].get("text/plain", "")[:400]}

    # interrupt a cell that never ends (interrupt_mode "message": jupyter_client sends interrupt_request)
    loop_id = kc.execute('long n = 0;\nSystem.out.println("looping");\nwhile (true) { n++; }')
    seen["loop_started"] = wait_for_stream(kc, loop_id, "looping", 60)
    km.interrupt_kernel()
    try:
        r = kc.get_shell_msg(timeout=20)
        while r["parent_header"].get("msg_id") != loop_id:
            r = kc.get_shell_msg(timeout=20)
        seen["interrupt"] = {"status": r["content"]["status"], "ename": r["content"].get("ename")}
    except queue.Empty:
        seen["interrupt"] = None
    # SIGINT (interrupt_mode "signal", or Ctrl-C in a terminal) stops the cell, not the kernel
    loop_id = kc.execute('long m = 0;\nSystem.out.println("looping");\nwhile (true) { m++; }')
    seen["sigint_loop_started"] = wait_for_stream(kc, loop_id, "looping", 60)
    pid = km.provisioner.process.pid if getattr(km, "provisioner", None) else km.kernel.pid
    os.kill(pid, signal.SIGINT)
    try:
        r = kc.get_shell_msg(timeout=20)
        while r["parent_header"].get("msg_id") != loop_id:
            r = kc.get_shell_msg(timeout=20)
        seen["sigint"] = {"status": r["content"]["status"], "ename": r["content"].get("ename")}
    except queue.Empty:
        seen["sigint"] = None
    seen["heartbeat"] = kc.hb_channel.is_beating()

    reply, outputs = run_cell(kc, "int kept = 7;\nkept * 6")
    seen["after_interrupt"] = [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"]

    # restart: a fresh JVM without the old state
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    reply, outputs = run_cell(kc, "kept")
    seen["after_restart_old_var"] = reply["status"]
    reply, outputs = run_cell(kc, "2 + 3")
    seen["after_restart"] = {"execution_count": reply.get("execution_count"),
                             "result": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"]}

    # shutdown request on the control channel: a reply, then the process exits by itself
    kc.shutdown()
    try:
        r = kc.get_control_msg(timeout=10)
        seen["shutdown_reply"] = {"type": r["msg_type"], "restart": r["content"].get("restart")}
    except queue.Empty:
        seen["shutdown_reply"] = None
    proc = km.provisioner.process if hasattr(km, "provisioner") and km.provisioner else km.kernel
    try:
        seen["exit_code"] = proc.wait(timeout=15)
    except Exception as e:  # still running: the kernel ignored the shutdown
        seen["exit_code"] = "still running: " + repr(e)
finally:
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=True)

print("RESULT " + json.dumps(seen))
sys.stdout.flush()
os._exit(0)  # skip jupyter_client's noisy finalizers at interpreter exit
