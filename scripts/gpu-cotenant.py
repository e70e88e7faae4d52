#!/usr/bin/env python3
"""A GPU co-tenant: a real, controlled slowdown of whatever else runs on the card.

It keeps the GPU busy with bf16 matrix products for `--duty` of every `--period-ms` of wall time and
idles for the rest, so an engine measured meanwhile shares the card's time with it (without MPS,
kernels of two processes do not run at once: the GPU switches between them). Nothing about the
engine, its arguments or the model changes, so the slowdown is invisible to the gate's fingerprint;
what the engine loses depends on how busy it keeps the GPU itself, so measure it rather than assume
it. Stops when `--until-file` exists (or after `--max-s`) and prints what it ran.

Usage: python3 scripts/gpu-cotenant.py --duty 0.1 --until-file /tmp/stop [--period-ms 50]
"""
import argparse
import os
import sys
import time

import torch


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--duty', type=float, required=True, help='share of wall time spent launching work, 0 < duty < 1')
    p.add_argument('--period-ms', type=float, default=50.0, help='length of one busy + idle cycle')
    p.add_argument('--size', type=int, default=4096, help='square matrix side (one product ~0.2 ms on an H100-class GPU)')
    p.add_argument('--until-file', help='stop once this file exists')
    p.add_argument('--max-s', type=float, default=3600.0, help='stop after this many seconds at the latest')
    a = p.parse_args()
    if not 0 < a.duty < 1:
        p.error(f'--duty must lie strictly between 0 and 1, got {a.duty}')
    if not torch.cuda.is_available():
        print('gpu-cotenant: no CUDA GPU visible', file=sys.stderr)
        return 1
    # Random operands: zeros can run faster than real data.
    x = torch.randn(a.size, a.size, device='cuda', dtype=torch.bfloat16)
    y = torch.randn(a.size, a.size, device='cuda', dtype=torch.bfloat16)
    period = a.period_ms / 1000
    busy = a.duty * period
    start = time.monotonic()
    products = cycles = 0
    busy_s = 0.0
    while time.monotonic() - start < a.max_s and not (a.until_file and os.path.exists(a.until_file)):
        t0 = time.monotonic()
        while time.monotonic() - t0 < busy:
            torch.mm(x, y)
            # One product in flight at a time, so the busy window ends when the wall clock says.
            torch.cuda.synchronize()
            products += 1
        t1 = time.monotonic()
        busy_s += t1 - t0
        cycles += 1
        time.sleep(max(0.0, period - (t1 - t0)))
    wall = time.monotonic() - start
    flop = 2 * a.size**3 * products
    print(
        f'gpu-cotenant: duty {a.duty} of {a.period_ms} ms, ran {wall:.1f} s, {cycles} cycles, '
        f'busy {busy_s / max(wall, 1e-9):.3f} of wall time, {products} products '
        f'({flop / max(busy_s, 1e-9) / 1e12:.0f} TFLOP/s while busy)',
        flush=True,
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
