"""Reads System.in from cells of the llm-workbench kernel through Jupyter's stdin channel; prints RESULT {json}.

Run by KernelUnderJupyterTest with JUPYTER_PATH pointing at a kernelspec installed for the test. It records
observations (input requests, replies, outputs) and leaves the judging to the Java test. Every wait has a timeout.
"""
import json
import queue
import signal
import sys
import time

from jupyter_client.manager import KernelManager

signal.signal(signal.SIGINT, signal.default_int_handler)
KERNEL = sys.argv[1] if len(sys.argv) > 1 else "llm-workbench"
seen = {}


def finish(kc, msg_id, timeout=60):
    """The reply to msg_id and what the cell published (stream text, results, errors)."""
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    out = {"stdout": "", "stderr": "", "result": None, "error": None}
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        c = m["content"]
        if m["msg_type"] == "stream":
            out[c["name"]] += c["text"]
        elif m["msg_type"] == "execute_result":
            out["result"] = c["data"].get("text/plain")
        elif m["msg_type"] == "error":
            out["error"] = c["ename"]
        elif m["msg_type"] == "status" and c["execution_state"] == "idle":
            out["status"] = reply["content"]["status"]
            return out


km = KernelManager(kernel_name=KERNEL)
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=120)

    # two lines read by one Scanner: two input requests, each parented to the cell
    msg_id = kc.execute('System.out.print("name? ");\nvar sc = new Scanner(System.in);\n'
                        'String name = sc.nextLine();\nint n = Integer.parseInt(sc.nextLine());\n"hi " + name + " x" + n',
                        allow_stdin=True)
    requests = []
    for answer in ["Ada", "3"]:
        m = kc.get_stdin_msg(timeout=60)
        requests.append({"type": m["msg_type"], "prompt": m["content"].get("prompt"),
                         "parent_is_cell": m["parent_header"].get("msg_id") == msg_id})
        kc.input(answer)
    seen["requests"] = requests
    seen["read"] = finish(kc, msg_id)

    # the stop button while a cell waits for input: the cell ends, the kernel goes on
    msg_id = kc.execute("new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()", allow_stdin=True)
    kc.get_stdin_msg(timeout=60)
    t0 = time.time()
    km.interrupt_kernel()
    seen["interrupted"] = finish(kc, msg_id)
    seen["interrupt_seconds"] = time.time() - t0
    after = kc.execute('"still here"')
    seen["after_interrupt"] = finish(kc, after)

    # a frontend that takes no input (nbconvert): end of input, said once
    msg_id = kc.execute("new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()", allow_stdin=False)
    seen["no_stdin"] = finish(kc, msg_id)
except queue.Empty:
    seen["timeout"] = True
finally:
    print("RESULT " + json.dumps(seen), flush=True)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
