"""Drives `jupyter console` with the llm-workbench kernel in a terminal, twice, as a user would.

Run by KernelConformanceTest with JUPYTER_PATH pointing at a kernelspec installed for the test and
WORKBENCH_KERNEL_HISTORY at a fresh temp file. The first session types a nested block line by line
(the console indents each next line as the kernel's is_complete reply says) and defines a variable;
the second session, a new kernel, recalls that definition with Up-arrow and uses it. Prints what it
saw as one RESULT line of JSON; every wait has a timeout, so a broken kernel makes it report, not hang.
"""
import json
import os
import re
import sys

import pexpect

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "llm-workbench"
UP = "\x1b[A"
# a continuation prompt with the cursor at the end of its indent: "   ...: ", colour codes, spaces, cursor-left
CONTINUATION = r"   \.\.\.: (?:\x1b\[[0-9;]*m)*( *)\x1b\[\d+D"
seen = {}


def drawn(text):
    """A pattern for text as the console draws it: syntax colours may sit between any two characters."""
    return "(?:\x1b\\[[0-9;]*m)*".join(re.escape(ch) for ch in text)


def prompt(n):
    """The prompt "In [n]:" as drawn, colour codes between its characters included."""
    return r"In \[(?:\x1b\[[0-9;]*m)*" + str(n) + r"(?:\x1b\[[0-9;]*m)*\]"


def console():
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    # the console of the Python running this script, whatever "jupyter" comes first on PATH
    c = pexpect.spawn(sys.executable, ["-m", "jupyter_console", "--kernel", KERNEL,
                                       "--ZMQTerminalInteractiveShell.kernel_timeout=120"],
                      encoding="utf-8", timeout=120, dimensions=(40, 160), env=env)
    c.expect(r"In \[")
    return c


def leave(c):
    c.sendcontrol("d")
    c.expect("exit")
    c.send("y\r")
    c.expect(pexpect.EOF)


def main():
    first = console()
    # type line by line, as a person does; after each Enter the console asks the kernel (is_complete)
    # how far to indent the next line, and draws it: wait for that, and note the indent drawn
    block = ["for (int i = 0; i < 2; i++) {", "if (i == 1) {", 'System.out.println("inner " + i);', "}"]
    seen["indents"] = []
    for line in block:
        first.send(line + "\r")
        first.expect(CONTINUATION, timeout=60)
        seen["indents"].append(len(first.match.group(1)))
    first.send("}\r")
    first.expect("inner 1")
    seen["block_ran"] = True
    first.expect(r"In \[")
    first.send("int answer = 6 * 7;\r")
    # the prompt's number, not just "In [": the console redraws the current prompt while a line is typed
    first.expect(prompt(3))
    leave(first)

    second = console()
    second.send(UP)
    second.expect(drawn("int answer = 6 * 7;"))
    second.send("\r")
    second.expect(prompt(2))
    second.send("answer * 10\r")
    seen["recalled_value"] = "420" if second.expect(["420", "cannot find symbol"]) == 0 else "missing"
    second.expect(prompt(3))
    leave(second)


try:
    main()
except pexpect.ExceptionPexpect as e:
    seen["failure"] = type(e).__name__ + ": " + str(e)[:2000]
print("RESULT " + json.dumps(seen))
