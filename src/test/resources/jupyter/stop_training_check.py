"""Presses the stop button during a training run in the llm-workbench kernel; prints RESULT {json}.

Run by KernelUnderJupyterTest with JUPYTER_PATH pointing at a kernelspec installed for the test. A cell
pretrains verdict-workshop with the notebook's live chart and prints each step; once step 3 shows, the
script sends interrupt_request (the stop button). It records what the cell published and how long the
stop took, then runs one more cell. The Java test judges. Every wait has a timeout.
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "llm-workbench"
CELL = """
var run = org.llmworkbench.train.Pretraining.prepare("verdict-workshop");
var model = run.newModel();
var dir = org.llmworkbench.TempFolders.create("stop-check-");
org.llmworkbench.train.TrainingListener printer = new org.llmworkbench.train.TrainingListener() {
    public void onStep(org.llmworkbench.train.TrainingListener.Step st) { System.out.println("step " + st.step() + " of " + st.totalSteps()); }
};
run.trainer(model, dir, null, org.llmworkbench.notebook.LiveTraining.show(), printer).run();
"""
seen = {"timeout": False}
km = KernelManager(kernel_name=KERNEL)
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=120)
    msg_id = kc.execute(CELL)
    stdout, updates, error, pressed = "", 0, None, None
    deadline = time.time() + 300
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=300)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        c = m["content"]
        if m["msg_type"] == "stream" and c["name"] == "stdout":
            stdout += c["text"]
            if pressed is None and "step 3 of" in stdout:
                pressed = time.time()
                km.interrupt_kernel()
        elif m["msg_type"] == "update_display_data":
            updates += 1
        elif m["msg_type"] == "error":
            error = {"ename": c["ename"], "evalue": c["evalue"]}
        elif m["msg_type"] == "status" and c["execution_state"] == "idle":
            break
    else:
        seen["timeout"] = True
    steps = [line for line in stdout.splitlines() if line.startswith("step ")]
    seen["last_step"] = steps[-1] if steps else None
    seen["stop_seconds"] = None if pressed is None else time.time() - pressed
    seen["display_updates"] = updates
    seen["error"] = error
    after = kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda m: seen.setdefault(
        "after", m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
except Exception as e:  # noqa: BLE001 - reported to the Java test, which fails with it
    seen["exception"] = repr(e)
finally:
    print("RESULT " + json.dumps(seen), flush=True)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
