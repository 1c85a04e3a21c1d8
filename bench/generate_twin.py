#!/usr/bin/env python3
"""PyTorch twin of `workbench bench generate --pytorch`: greedy decoding with a KV cache, on the very
weights the Java side generated with (our state-dict names, Linear weights [out, in]), timed the same
way: prompt processing included, after warm-up runs until two agree within 5 %. Prints one JSON line
with the new token ids, and can write the prompt's logits, so the bench can check that both sides
compute the same numbers and pick the same tokens.

    generate_twin.py --weights W.safetensors --config CONFIG.json --prompt 1,2,3 --new 50 --threads 2

Written for PyTorch 1.13 (Debian's python3-torch): no scaled_dot_product_attention, so attention is
spelled out as a PyTorch user writes it (matmul, mask, softmax, matmul)."""
import argparse, json, math, time
import torch
import torch.nn.functional as F

from safetensors_f32 import read_safetensors


class Decoder:
    """GPT-2's forward pass over one new position at a time, keys and values of earlier positions cached."""

    def __init__(self, w, c):
        self.w, self.c = w, c
        self.heads, self.dim = c["nHeads"], c["embDim"] // c["nHeads"]
        self.head = w["tok_emb.weight"] if c["tiedHead"] else w["out_head.weight"]
        self.exact_gelu = c["activation"] == "GELU"

    def linear(self, x, name, bias=True):
        b = self.w.get(name + ".bias") if bias else None
        return F.linear(x, self.w[name + ".weight"], b)

    def norm(self, x, name):
        return F.layer_norm(x, x.shape[-1:], self.w[name + ".scale"], self.w[name + ".shift"], 1e-5)

    def gelu(self, x):
        return F.gelu(x) if self.exact_gelu else F.gelu(x, approximate="tanh")

    def split(self, x):  # [t, e] -> [heads, t, dim]
        return x.view(x.shape[0], self.heads, self.dim).transpose(0, 1)

    def step(self, ids, start, cache):
        """Logits of the last of `ids` (positions start.., [t]); appends their keys and values to `cache`."""
        x = self.w["tok_emb.weight"][ids] + self.w["pos_emb.weight"][start:start + len(ids)]
        for i in range(self.c["nLayers"]):
            b = f"trf_blocks.{i}."
            h = self.norm(x, b + "norm1")
            q = self.split(self.linear(h, b + "att.W_query"))
            k = self.split(self.linear(h, b + "att.W_key"))
            v = self.split(self.linear(h, b + "att.W_value"))
            if i < len(cache):
                k = torch.cat([cache[i][0], k], dim=1)
                v = torch.cat([cache[i][1], v], dim=1)
                cache[i] = (k, v)
            else:
                cache.append((k, v))
            scores = q @ k.transpose(1, 2) / math.sqrt(self.dim)
            t, total = q.shape[1], k.shape[1]
            if t > 1:  # the prompt: each position sees itself and the ones before
                mask = torch.ones(t, total, dtype=torch.bool).triu(total - t + 1)
                scores = scores.masked_fill(mask, float("-inf"))
            y = (scores.softmax(dim=-1) @ v).transpose(0, 1).reshape(t, -1)
            x = x + self.linear(y, b + "att.out_proj")
            h = self.norm(x, b + "norm2")
            x = x + self.linear(self.gelu(self.linear(h, b + "ff.layers.0")), b + "ff.layers.2")
        return F.linear(self.norm(x[-1:], "final_norm"), self.head)[0]

    def generate(self, prompt, new):
        start = time.perf_counter()
        cache, out = [], []
        logits = self.step(torch.tensor(prompt), 0, cache)
        for i in range(new):
            nxt = int(logits.argmax())
            out.append(nxt)
            if i + 1 < new:
                logits = self.step(torch.tensor([nxt]), len(prompt) + i, cache)
        return out, time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--config", required=True, help="a JSON file with GptConfig's fields")
    p.add_argument("--prompt", required=True, help="token ids, comma-separated")
    p.add_argument("--new", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--logits-out", help="write the prompt's last-position logits here (float32, little-endian)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.config) as f:
        config = json.load(f)
    prompt = [int(t) for t in a.prompt.split(",")]
    if len(prompt) + a.new > config["contextLength"]:
        raise SystemExit(f"prompt {len(prompt)} + {a.new} new tokens exceed the context of {config['contextLength']}")
    with torch.inference_mode():
        decoder = Decoder(read_safetensors(a.weights), config)
        previous, warmups = None, 0
        warm = min(40, config["contextLength"] - len(prompt))
        while warmups < 8:  # as the bench warms ours up: 40 tokens until two runs agree within 5 %
            _, seconds = decoder.generate(prompt, warm)
            warmups += 1
            if previous is not None and abs(seconds - previous) <= 0.05 * previous:
                break
            previous = seconds
        ids, seconds = decoder.generate(prompt, a.new)
        if a.logits_out:
            with open(a.logits_out, "wb") as f:
                f.write(decoder.step(torch.tensor(prompt), 0, []).numpy().astype("<f4").tobytes())
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "new_tokens": len(ids),
                      "seconds": round(seconds, 4), "tokens_per_s": round(len(ids) / seconds, 2),
                      "warmup_runs": warmups, "ids": ids}))


if __name__ == "__main__":
    main()
