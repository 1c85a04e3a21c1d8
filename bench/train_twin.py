#!/usr/bin/env python3
"""PyTorch twin of `workbench bench train`: the same GPT shapes, batch sizes, AdamW, clipping and
cross-entropy, on random token ids, timed the same way (steps after a warm-up). Prints one JSON line.
Run by `workbench bench train --pytorch` with Debian's python3-torch (PyTorch 1.13 here)."""
import argparse, json, math, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F

CASES = {
    "a": dict(vocab=50257, ctx=128, emb=128, layers=4, heads=4, batch=8),
    "b": dict(vocab=50257, ctx=256, emb=768, layers=12, heads=12, batch=2),
    # nanoGPT's CPU shakespeare-char shape: characters, no dropout
    "char": dict(vocab=65, ctx=64, emb=128, layers=4, heads=4, batch=12, drop=0.0, gelu="none"),
}


class Block(nn.Module):
    def __init__(self, emb, heads, ctx, drop, gelu="tanh"):
        super().__init__()
        self.heads = heads
        self.gelu = gelu  # GPT-2's tanh form, or "none": exact (nanoGPT)
        self.norm1 = nn.LayerNorm(emb)
        self.qkv = nn.Linear(emb, 3 * emb, bias=False)
        self.proj = nn.Linear(emb, emb)
        self.norm2 = nn.LayerNorm(emb)
        self.up = nn.Linear(emb, 4 * emb)
        self.down = nn.Linear(4 * emb, emb)
        self.drop = nn.Dropout(drop)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), diagonal=1))

    def forward(self, x):
        b, t, e = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(e, dim=2)
        q, k, v = (z.view(b, t, self.heads, e // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(e // self.heads)
        att = self.drop(att.masked_fill(self.mask[:t, :t], float("-inf")).softmax(dim=-1))
        y = (att @ v).transpose(1, 2).reshape(b, t, e)
        x = x + self.drop(self.proj(y))
        return x + self.drop(self.down(F.gelu(self.up(self.norm2(x)), approximate=self.gelu)))


class Gpt(nn.Module):
    def __init__(self, vocab, ctx, emb, layers, heads, drop=0.1, gelu="tanh"):
        super().__init__()
        self.tok = nn.Embedding(vocab, emb)
        self.pos = nn.Embedding(ctx, emb)
        self.drop = nn.Dropout(drop)
        self.blocks = nn.Sequential(*[Block(emb, heads, ctx, drop, gelu) for _ in range(layers)])
        self.norm = nn.LayerNorm(emb)
        self.head = nn.Linear(emb, vocab, bias=False)

    def forward(self, ids):
        x = self.drop(self.tok(ids) + self.pos(torch.arange(ids.shape[1])))
        return self.head(self.norm(self.blocks(x)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--case", default="a", choices=sorted(CASES))
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    c = CASES[a.case]
    model = Gpt(c["vocab"], c["ctx"], c["emb"], c["layers"], c["heads"], c.get("drop", 0.1), c.get("gelu", "tanh"))
    opt = torch.optim.AdamW(model.parameters(), lr=4e-4, weight_decay=0.1)
    model.train()
    times = []
    for step in range(a.warmup + a.steps):
        ids = torch.randint(0, c["vocab"], (c["batch"], c["ctx"]))
        targets = torch.randint(0, c["vocab"], (c["batch"], c["ctx"]))
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(ids).flatten(0, 1), targets.flatten())
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()
        times.append(time.perf_counter() - t0)
    timed = sum(times[a.warmup:])
    tokens = a.steps * c["batch"] * c["ctx"]
    print(json.dumps({"case": a.case, "torch": torch.__version__, "threads": a.threads,
                      "tokens_per_s": round(tokens / timed, 1), "ms_per_step": round(timed / a.steps * 1000, 1),
                      "peak_rss_mb": round(peak_rss_kb() / 1024)}))


def peak_rss_kb():
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent JVM's peak over when spawned from it
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main()
