#!/usr/bin/env python3
"""PyTorch twin for the cross-check tests (TorchTwin.java): the book's GPT written out in PyTorch
(1.13, Debian's python3-torch), trained with PyTorch's own pieces on the weights and batches the Java
test wrote, so the two sides can be compared number by number.

    gpt_twin.py DIR

reads DIR/spec.json and DIR/in.safetensors (our state-dict names, Linear weights [out, in]) and writes
DIR/out.safetensors (tensors) and DIR/out.json (scalars). spec["task"] is one of

  grads     one forward + backward of F.cross_entropy(ignore_index=-100) on one batch: loss, gradients
  lm        N optimizer steps: cross-entropy, loss / accumulation, clip_grad_norm_, torch.optim.AdamW
            (parameter groups by decay policy), warmup + cosine learning rate set before each step
  dpo       N DPO steps on a policy (in.safetensors "policy.*") against a frozen reference ("reference.*"),
            the book's compute_logprobs (masked mean) and -logsigmoid(beta * logits)
  classify  N steps of a classifier: last real token -> cls_head, F.cross_entropy; the book's trainable
            parameters (last block(s) + final norm + head) or LoRA adapters only
Nothing here is imported from the Java side: names and rules are written down again.
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_f32 import read_safetensors, write_safetensors  # bench/safetensors_f32.py, copied beside this file


# ---- the book's GPT (chapter 4), our parameter names ----

class Dense(nn.Module):
    """nn.Linear's y = x W^T + b, with an optional LoRA adapter: + (alpha / r) (x A^T) B^T, A [r, in], B [out, r]."""

    def __init__(self, d_in, d_out, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(d_out, d_in))
        self.bias = nn.Parameter(torch.zeros(d_out)) if bias else None
        self.lora_A = None
        self.lora_B = None
        self.lora_scale = 0.0

    def add_lora(self, rank, alpha):
        self.lora_A = nn.Parameter(torch.zeros(rank, self.weight.shape[1]))
        self.lora_B = nn.Parameter(torch.zeros(self.weight.shape[0], rank))
        self.lora_scale = alpha / rank

    def forward(self, x):
        y = F.linear(x, self.weight, self.bias)
        if self.lora_A is not None:
            y = y + self.lora_scale * ((x @ self.lora_A.T) @ self.lora_B.T)
        return y


class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(d))
        self.shift = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class GELU(nn.Module):
    def __init__(self, exact):
        super().__init__()
        self.exact = exact

    def forward(self, x):
        if self.exact:
            return F.gelu(x)
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class MultiHeadAttention(nn.Module):
    def __init__(self, d, ctx, heads, qkv_bias):
        super().__init__()
        self.heads = heads
        self.head_dim = d // heads
        self.W_query = Dense(d, d, qkv_bias)
        self.W_key = Dense(d, d, qkv_bias)
        self.W_value = Dense(d, d, qkv_bias)
        self.out_proj = Dense(d, d, True)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx), diagonal=1), persistent=False)

    def forward(self, x):
        b, t, d = x.shape
        q = self.W_query(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.W_key(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.W_value(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(2, 3)
        scores = scores.masked_fill(self.mask.bool()[:t, :t], -torch.inf)
        weights = torch.softmax(scores / self.head_dim ** 0.5, dim=-1)
        context = (weights @ v).transpose(1, 2).contiguous().view(b, t, d)
        return self.out_proj(context)


class FeedForward(nn.Module):
    def __init__(self, d, exact):
        super().__init__()
        self.layers = nn.Sequential(Dense(d, 4 * d, True), GELU(exact), Dense(4 * d, d, True))

    def forward(self, x):
        return self.layers(x)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.att = MultiHeadAttention(c["embDim"], c["contextLength"], c["nHeads"], c["qkvBias"])
        self.ff = FeedForward(c["embDim"], c["activation"] == "GELU")
        self.norm1 = LayerNorm(c["embDim"])
        self.norm2 = LayerNorm(c["embDim"])

    def forward(self, x):
        x = x + self.att(self.norm1(x))
        return x + self.ff(self.norm2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.tied = c["tiedHead"]
        self.tok_emb = nn.Embedding(c["vocabSize"], c["embDim"])
        self.pos_emb = nn.Embedding(c["contextLength"], c["embDim"])
        self.trf_blocks = nn.Sequential(*[Block(c) for _ in range(c["nLayers"])])
        self.final_norm = LayerNorm(c["embDim"])
        if not self.tied:
            self.out_head = Dense(c["embDim"], c["vocabSize"], False)

    def hidden(self, ids):
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(ids.shape[1]))
        return self.final_norm(self.trf_blocks(x))

    def forward(self, ids):
        h = self.hidden(ids)
        return F.linear(h, self.tok_emb.weight) if self.tied else self.out_head(h)


def load(module, weights, prefix=""):
    own = dict(module.named_parameters())
    wanted = {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
    if set(own) != set(wanted):
        raise ValueError(f"names differ: only here {sorted(set(own) - set(wanted))}, only in the file {sorted(set(wanted) - set(own))}")
    with torch.no_grad():
        for name, p in own.items():
            p.copy_(wanted[name])


# ---- optimizer pieces ----

def decays(policy, name, p, model):
    """Which parameters get weight decay, written from the policies' definitions."""
    if policy == "ALL":
        return True
    if policy == "MATRICES_AND_EMBEDDINGS":
        return p.dim() >= 2
    if policy == "MATRICES":  # weight matrices of linear layers (minGPT): not embeddings, biases, norms
        linear_weights = {id(m.weight) for m in model.modules() if isinstance(m, Dense)}
        return id(p) in linear_weights and not (model_has_tied(model) and p is model.tok_emb.weight)
    raise ValueError(policy)


def model_has_tied(model):
    return getattr(model, "tied", False)


def adamw(named, opt, model):
    decay, no_decay = [], []
    for name, p in named:
        (decay if decays(opt["decay"], name, p, model) else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": opt["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}]
    groups = [g for g in groups if g["params"]]
    return torch.optim.AdamW(groups, lr=0.0, betas=(opt["beta1"], opt["beta2"]), eps=opt["eps"])


def learning_rate(step, s, total):
    """The book's appendix D: linear warmup from initial to peak, then a half cosine down to the floor."""
    if not s["cosine"] and s["warmupSteps"] == 0:
        return s["peak"]
    warmup = min(s["warmupSteps"], total)
    if step < warmup:
        return s["initial"] + step * (s["peak"] - s["initial"]) / warmup
    if not s["cosine"]:
        return s["peak"]
    if step >= total:
        return s["floor"]
    progress = (step - warmup) / max(1, total - warmup)
    return s["floor"] + (s["peak"] - s["floor"]) * 0.5 * (1 + math.cos(math.pi * progress))


def train(spec, params, named, model, loss_of_batch, batches):
    opt = spec["optimizer"]
    optimizer = adamw(named, opt, model)
    steps, accum = spec["steps"], spec["gradAccumulation"]
    losses, norms, rates = [], [], []
    it = 0
    for step in range(steps):
        optimizer.zero_grad()
        total = 0.0
        for _ in range(accum):
            loss = loss_of_batch(batches[it % len(batches)])
            it += 1
            total += loss.item()
            (loss / accum).backward()
        if spec["clipNorm"] > 0:
            norm = torch.nn.utils.clip_grad_norm_(params, spec["clipNorm"]).item()
        else:
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in params])).item()
        lr = learning_rate(step, spec["schedule"], steps)
        for g in optimizer.param_groups:
            g["lr"] = lr
        optimizer.step()
        losses.append(total / accum)
        norms.append(norm)
        rates.append(lr)
    decayed = [name for name, p in named if decays(opt["decay"], name, p, model)]
    return {"losses": losses, "gradNorms": norms, "learningRates": rates, "decayed": decayed}


# ---- tasks ----

def lm_loss(model):
    def of(batch):
        logits = model(torch.tensor(batch["inputs"]))
        return F.cross_entropy(logits.flatten(0, 1), torch.tensor(batch["targets"]).flatten(), ignore_index=-100)
    return of


def task_grads(spec, weights):
    model = GPT(spec["config"])
    load(model, weights)
    loss = lm_loss(model)(spec["batches"][0])
    loss.backward()
    tensors = {name: p.grad for name, p in model.named_parameters()}
    with torch.no_grad():
        logits = model(torch.tensor(spec["batches"][0]["inputs"]))
    tensors["logits"] = logits
    return tensors, {"loss": loss.item()}


def task_lm(spec, weights):
    model = GPT(spec["config"])
    load(model, weights)
    named = list(model.named_parameters())
    out = train(spec, [p for _, p in named], named, model, lm_loss(model), spec["batches"])
    with torch.no_grad():  # the trainer's last evaluation: the mean of the batches' mean losses
        per_batch = [lm_loss(model)(b).item() for b in spec["batches"]]
    out["evalLoss"] = sum(per_batch) / len(per_batch)
    out["perplexity"] = math.exp(out["evalLoss"])
    return dict(model.named_parameters()), out


def compute_logprobs(logits, labels, selection_mask):
    """The book's DPO notebook: mean log-probability of the selected answer tokens (labels shifted by one)."""
    labels = labels[:, 1:].clone()
    logits = logits[:, :-1, :]
    log_probs = F.log_softmax(logits, dim=-1)
    selected = torch.gather(input=log_probs, dim=-1, index=labels.unsqueeze(-1)).squeeze(-1)
    mask = selection_mask[:, 1:].clone()
    selected = selected * mask
    return selected.sum(-1) / mask.sum(-1)


def dpo_loss(pc, pr, rc, rr, beta):
    logits = (pc - pr) - (rc - rr)
    losses = -F.logsigmoid(beta * logits)
    return losses.mean(), (pc - rc).detach(), (pr - rr).detach(), losses.detach()


def task_dpo(spec, weights):
    policy, reference = GPT(spec["config"]), GPT(spec["config"])
    load(policy, weights, "policy.")
    load(reference, weights, "reference.")
    for p in reference.parameters():
        p.requires_grad_(False)
    beta = spec["beta"]

    def scores(batch):
        chosen, rejected = torch.tensor(batch["chosen"]), torch.tensor(batch["rejected"])
        cm, rm = torch.tensor(batch["chosenMask"], dtype=torch.float32), torch.tensor(batch["rejectedMask"], dtype=torch.float32)
        pc = compute_logprobs(policy(chosen), chosen, cm)
        pr = compute_logprobs(policy(rejected), rejected, rm)
        with torch.no_grad():
            rc = compute_logprobs(reference(chosen), chosen, cm)
            rr = compute_logprobs(reference(rejected), rejected, rm)
        return dpo_loss(pc, pr, rc, rr, beta), (pc.detach(), pr.detach(), rc, rr)

    first, parts = scores(spec["batches"][0])
    tensors = {"first.losses": first[3], "first.chosenRewards": first[1], "first.rejectedRewards": first[2],
               "first.policyChosen": parts[0], "first.policyRejected": parts[1],
               "first.referenceChosen": parts[2], "first.referenceRejected": parts[3]}
    named = list(policy.named_parameters())
    out = train(spec, [p for _, p in named], named, policy, lambda b: scores(b)[0][0], spec["batches"])
    for name, p in named:
        tensors["policy." + name] = p
    return tensors, out


def task_classify(spec, weights):
    c = spec["config"]
    model = GPT(c)
    model.cls_head = Dense(c["embDim"], spec["numClasses"], True)
    lora = spec.get("lora")
    dense = {}
    for i, block in enumerate(model.trf_blocks):
        for name, layer in [("att.W_query", block.att.W_query), ("att.W_key", block.att.W_key),
                            ("att.W_value", block.att.W_value), ("att.out_proj", block.att.out_proj),
                            ("ff.layers.0", block.ff.layers[0]), ("ff.layers.2", block.ff.layers[2])]:
            dense[f"trf_blocks.{i}.{name}"] = layer
    dense["cls_head"] = model.cls_head
    if lora:
        for layer in dense.values():
            layer.add_lora(lora["rank"], lora["alpha"])
    load(model, weights)

    # which parameters train: the book's chapter 6 (last blocks, final norm, head) or appendix E (adapters only)
    last = c["nLayers"] - spec.get("trainableBlocks", 1)
    for name, p in model.named_parameters():
        if lora:
            trains = name.endswith(".lora_A") or name.endswith(".lora_B")
        else:
            trains = (name.startswith("final_norm.") or name.startswith("cls_head.")
                      or (name.startswith("trf_blocks.") and int(name.split(".")[1]) >= last))
        p.requires_grad_(trains)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]

    def logits_of(batch):
        ids = torch.tensor(batch["ids"])
        h = model.hidden(ids)
        last_token = h[torch.arange(ids.shape[0]), torch.tensor(batch["lengths"]) - 1]
        return model.cls_head(last_token)

    def loss_of(batch):
        return F.cross_entropy(logits_of(batch), torch.tensor(batch["labels"]))

    with torch.no_grad():
        first_logits = logits_of(spec["batches"][0])
    out = train(spec, [p for _, p in named], named, model, loss_of, spec["batches"])
    out["trainable"] = [n for n, _ in named]
    out["trainableCount"] = sum(p.numel() for _, p in named)
    right = total = 0
    with torch.no_grad():
        for b in spec["batches"]:
            right += (logits_of(b).argmax(-1) == torch.tensor(b["labels"])).sum().item()
            total += len(b["labels"])
    out["accuracy"] = right / total
    tensors = dict(model.named_parameters())
    tensors["first.logits"] = first_logits
    return tensors, out


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    folder = sys.argv[1]
    with open(folder + "/spec.json") as f:
        spec = json.load(f)
    weights = read_safetensors(folder + "/in.safetensors")
    task = {"grads": task_grads, "lm": task_lm, "dpo": task_dpo, "classify": task_classify}[spec["task"]]
    tensors, scalars = task(spec, weights)
    write_safetensors(folder + "/out.safetensors", tensors)
    scalars["torch"] = torch.__version__
    with open(folder + "/out.json", "w") as f:
        json.dump(scalars, f)


if __name__ == "__main__":
    main()
