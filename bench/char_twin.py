#!/usr/bin/env python3
"""PyTorch twin of `workbench pretrain --preset shakespeare-char`, written after nanoGPT's CPU recipe
(README: 4 layers, 4 heads, 128 wide, ctx 64, batch 12, 2,000 iterations, lr 1e-3 with 100 warmup
steps and cosine decay to 1e-4, beta2 0.99, weight decay 0.1 on matrices, clipping at 1.0, no
dropout, no biases, exact GELU; evaluation every 250 iterations on 20 batches of each split).
Characters of tinyshakespeare, first 90% for training. Prints one JSON line: final and best
validation loss, wall seconds. Run with Debian's python3-torch for a side-by-side timing."""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, emb, heads, ctx):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(emb, elementwise_affine=True)
        self.qkv = nn.Linear(emb, 3 * emb, bias=False)
        self.proj = nn.Linear(emb, emb, bias=False)
        self.ln2 = nn.LayerNorm(emb)
        self.up = nn.Linear(emb, 4 * emb, bias=False)
        self.down = nn.Linear(4 * emb, emb, bias=False)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), diagonal=1))

    def forward(self, x):
        b, t, e = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(e, dim=2)
        q, k, v = (z.view(b, t, self.heads, e // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(e // self.heads)
        att = att.masked_fill(self.mask[:t, :t], float("-inf")).softmax(dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, e))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, ctx, emb, layers, heads):
        super().__init__()
        self.tok = nn.Embedding(vocab, emb)
        self.pos = nn.Embedding(ctx, emb)
        self.blocks = nn.Sequential(*[Block(emb, heads, ctx) for _ in range(layers)])
        self.ln = nn.LayerNorm(emb)
        self.head = nn.Linear(emb, vocab, bias=False)
        self.head.weight = self.tok.weight  # tied, as nanoGPT

    def forward(self, ids):
        x = self.tok(ids) + self.pos(torch.arange(ids.shape[1]))
        return self.head(self.ln(self.blocks(x)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="tinyshakespeare input.txt")
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    started = time.perf_counter()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1337)
    text = open(a.data, encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([index[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    splits = {"train": data[:n], "val": data[n:]}
    ctx, batch = 64, 12

    def get_batch(split):
        d = splits[split]
        ix = torch.randint(len(d) - ctx, (batch,))
        return torch.stack([d[i:i + ctx] for i in ix]), torch.stack([d[i + 1:i + 1 + ctx] for i in ix])

    model = Gpt(len(chars), ctx, 128, 4, 4)
    decay = [q for q in model.parameters() if q.dim() >= 2]
    no_decay = [q for q in model.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.99))

    def lr_at(it):
        if it < 100:
            return 1e-3 * (it + 1) / 101
        ratio = (it - 100) / (a.iters - 100)
        return 1e-4 + 0.5 * (1 + math.cos(math.pi * ratio)) * (1e-3 - 1e-4)

    @torch.no_grad()
    def estimate():
        model.eval()
        out = {}
        for split in ("train", "val"):
            losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
                      for x, y in (get_batch(split) for _ in range(20))]
            out[split] = sum(losses) / len(losses)
        model.train()
        return out

    best = float("inf")
    last = None
    for it in range(a.iters + 1):
        if it % 250 == 0 or it == a.iters:
            last = estimate()
            best = min(best, last["val"])
        if it == a.iters:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        x, y = get_batch("train")
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    print(json.dumps({"twin": "shakespeare-char", "torch": torch.__version__, "threads": a.threads, "iters": a.iters,
                      "train_loss": round(last["train"], 4), "val_loss": round(last["val"], 4),
                      "best_val_loss": round(best, 4), "wall_s": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
