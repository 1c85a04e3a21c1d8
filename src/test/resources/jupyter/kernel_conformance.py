"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) with Java samples.

Run by KernelConformanceTest with JUPYTER_PATH pointing at a kernelspec installed for the test and
WORKBENCH_KERNEL_HISTORY at a fresh temp file, so the history tests see only what they ran.
Every sample is Java as a notebook cell would hold it; every test the suite offers has one.
"""
import sys
import unittest

import jupyter_kernel_test
from jupyter_kernel_test import TIMEOUT
from jupyter_kernel_test.msgspec_v5 import validate_message

KERNEL = sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "llm-workbench"


class WorkbenchKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": "System.out.printl", "matches": {"println("}},
    ]

    complete_code_samples = ["int x = 1;", "System.out.println(1);", "for (int i = 0; i < 3; i++) { }", "%lsmagic"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "int y = (1 +", 'String s = """', "class A {"]
    invalid_code_samples = ["int z = 1 +;", "}"]

    # IPython's "name?" shows the docs in the pager
    code_page_something = "Math.max?"

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"hello".length()', "result": "5"},
        {"code": "List.of(1, 2)", "result": "[1, 2]"},
    ]

    code_display_data = [
        {"code": 'html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'markdown("# title");', "mime": "text/markdown"},
        {"code": "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    # matches "6 * 7" and none of the other samples (a glob, as IPython's history search takes)
    code_history_pattern = "6 ?*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'System.out.println("step 1"); clearOutput(true); System.out.println("step 2");'

    # ---- beyond the suite: one request of each kind, every reply and broadcast checked against its schemas ----

    def request(self, send, reply_type, control=False):
        """Sends a request; validates its reply and every IOPub message up to its idle status."""
        msg_id = send()
        get = self.kc.get_control_msg if control else self.kc.get_shell_msg
        reply = get(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = get(timeout=TIMEOUT)
        validate_message(reply, reply_type, msg_id)
        self.seen_replies.add("%s %s" % (reply_type, reply["content"]["status"]))
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            validate_message(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            self.seen_iopub.add(msg["header"]["msg_type"])
            if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return reply["content"]

    def control(self, msg_type):
        msg = self.kc.session.msg(msg_type, {})
        self.kc.control_channel.send(msg)
        return msg["header"]["msg_id"]

    def test_every_reply_and_broadcast_validates(self):
        self.flush_channels()
        self.seen_replies, self.seen_iopub = set(), set()
        kc = self.kc
        self.request(kc.kernel_info, "kernel_info_reply")
        every_output = ('System.out.println("out"); System.err.println("err");\n'
                        'var live = display("first", "live"); live.update("second");\n'
                        'clearOutput(true); html("<i>shown</i>");\n'
                        '6 * 7')
        self.assertEqual(self.request(lambda: kc.execute(every_output), "execute_reply")["status"], "ok")
        self.assertEqual(self.request(lambda: kc.execute(self.code_generate_error), "execute_reply")["status"], "error")
        self.request(lambda: kc.execute("1 + 1", silent=True), "execute_reply")
        self.assertEqual(self.request(lambda: kc.execute("Math.max?"), "execute_reply")["payload"][0]["source"], "page")
        self.assertTrue(self.request(lambda: kc.inspect("Math.max"), "inspect_reply")["found"])
        self.assertFalse(self.request(lambda: kc.inspect("noSuchName"), "inspect_reply")["found"])
        self.request(lambda: kc.complete("Math.ma"), "complete_reply")
        tail = self.request(lambda: kc.history(hist_access_type="tail", n=2, output=True), "history_reply")
        self.assertEqual(len(tail["history"]), 2)
        self.request(lambda: kc.history(hist_access_type="range", session=0, start=1, stop=3), "history_reply")
        self.request(lambda: kc.history(hist_access_type="search", pattern="*", n=2, unique=True), "history_reply")
        for code in ("int x = 1;", "if (true) {", "int y = 1 +;"):
            self.request(lambda: kc.is_complete(code), "is_complete_reply")
        self.request(kc.comm_info, "comm_info_reply")
        self.request(lambda: self.control("interrupt_request"), "interrupt_reply", control=True)

        self.assertEqual(self.seen_replies, {
            "kernel_info_reply ok", "execute_reply ok", "execute_reply error", "inspect_reply ok",
            "complete_reply ok", "history_reply ok", "is_complete_reply complete", "is_complete_reply incomplete",
            "is_complete_reply invalid", "comm_info_reply ok", "interrupt_reply ok"})
        self.assertEqual(self.seen_iopub, {
            "status", "execute_input", "stream", "display_data", "update_display_data", "clear_output",
            "execute_result", "error"})

    @classmethod
    def tearDownClass(cls):
        # the last request of each kind: shutdown, whose reply must validate too
        msg_id = cls.kc.shutdown()
        reply = cls.kc.get_control_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = cls.kc.get_control_msg(timeout=TIMEOUT)
        validate_message(reply, "shutdown_reply", msg_id)
        print("shutdown_reply validated", file=sys.stderr)
        super().tearDownClass()


if __name__ == "__main__":
    unittest.main(verbosity=2)
