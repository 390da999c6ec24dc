"""Network definitions for the phaseflow model zoo (Fashion-MNIST 28x28 by default; any C, H, W; data in [-1, 1]).

All denoisers are trained as VP-cosine v-prediction models; the Java side wraps them into
the variance-exploding form D(x; sigma) -> x0 using the manifest (see ../../README.md).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of the continuous time t in [0, 1] (scaled to 0..1000 like DDPM)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups=8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, 2 * cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.temb(emb)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return h + self.skip(x)


class SelfAttention(nn.Module):
    def __init__(self, ch, heads=4, groups=8):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.out = nn.Conv2d(ch, ch, 1)
        self.heads = heads

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, self.heads, c // self.heads, h * w).unbind(1)
        att = torch.softmax(torch.einsum("nhdi,nhdj->nhij", q, k) / math.sqrt(c // self.heads), dim=-1)
        y = torch.einsum("nhij,nhdj->nhdi", att, v).reshape(n, c, h, w)
        return x + self.out(y)


class UNet(nn.Module):
    """Global denoiser: 28 -> 14 -> 7 UNet, self-attention at the lowest resolution (7x7). Input x_vp
    (N, C, H, W) with H and W divisible by 2^(levels - 1), t (N,)."""

    def __init__(self, ch=(32, 64, 128), blocks=2, temb=128, channels=1):
        super().__init__()
        self.channels, self.blocks = tuple(ch), blocks
        self.temb_dim = temb
        self.temb = nn.Sequential(nn.Linear(temb, temb * 2), nn.SiLU(), nn.Linear(temb * 2, temb * 2))
        t = temb * 2
        self.inp = nn.Conv2d(channels, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        skips = [ch[0]]
        cur = ch[0]
        for level, c in enumerate(ch):
            for _ in range(blocks):
                self.down.append(ResBlock(cur, c, t))
                cur = c
                skips.append(cur)
            if level < len(ch) - 1:
                self.down.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skips.append(cur)
        self.mid1 = ResBlock(cur, cur, t)
        self.mid_attn = SelfAttention(cur)
        self.mid2 = ResBlock(cur, cur, t)
        self.up = nn.ModuleList()
        for level, c in reversed(list(enumerate(ch))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(cur + skips.pop(), c, t))
                cur = c
                if level == len(ch) - 1:
                    self.up.append(SelfAttention(cur))
            if level > 0:
                self.up.append(nn.Upsample(scale_factor=2, mode="nearest"))
                self.up.append(nn.Conv2d(cur, cur, 3, padding=1))
        self.out_norm = nn.GroupNorm(8, cur)
        self.out = nn.Conv2d(cur, channels, 3, padding=1)

    def forward(self, x, t):
        emb = self.temb(timestep_embedding(t, self.temb_dim))
        h = self.inp(x)
        hs = [h]
        for m in self.down:
            h = m(h, emb) if isinstance(m, ResBlock) else m(h)
            hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb)), emb)
        pending_upsample = False
        for m in self.up:
            if isinstance(m, ResBlock):
                h = m(torch.cat([h, hs.pop()], dim=1), emb)
            elif isinstance(m, SelfAttention):
                h = m(h)
            elif isinstance(m, nn.Upsample):
                h = m(h)
                # 7 -> 14 -> 28 are exact doublings; nothing to crop
            else:
                h = m(h)
        return self.out(F.silu(self.out_norm(h)))


class LocalNet(nn.Module):
    """Local-patch denoiser: valid (unpadded) convolutions only, so each output pixel depends
    on exactly the (2r+1)^2 window of the input around it and tiling is exact.

    Input (N, 3, H+2r, W+2r): channel 0 the VP-scaled noisy image padded with zeros by r,
    channels 1-2 the absolute pixel coordinates (y, x) normalised to the full image
    (-1 at the first pixel, +1 at the last; extended linearly into the padding).
    Output v (N, 1, H, W). Time enters as a per-layer scale and shift (no spatial normalisation).
    """

    def __init__(self, width=32, dilations=(1, 1, 1, 1), mlp=64, temb=64, channels=1):
        super().__init__()
        self.radius = sum(dilations)
        self.temb_dim = temb
        self.temb = nn.Sequential(nn.Linear(temb, temb * 2), nn.SiLU(), nn.Linear(temb * 2, temb * 2))
        self.convs = nn.ModuleList()
        self.films = nn.ModuleList()
        cin = channels + 2
        for d in dilations:
            self.convs.append(nn.Conv2d(cin, width, 3, dilation=d))
            self.films.append(nn.Linear(temb * 2, 2 * width))
            cin = width
        self.head1 = nn.Conv2d(width, mlp, 1)
        self.head_film = nn.Linear(temb * 2, 2 * mlp)
        self.head2 = nn.Conv2d(mlp, channels, 1)

    def forward(self, x, t):
        emb = self.temb(timestep_embedding(t, self.temb_dim))
        h = x
        for conv, film in zip(self.convs, self.films):
            scale, shift = film(emb)[:, :, None, None].chunk(2, dim=1)
            h = F.silu(conv(h) * (1 + scale) + shift)
        scale, shift = self.head_film(emb)[:, :, None, None].chunk(2, dim=1)
        h = F.silu(self.head1(h) * (1 + scale) + shift)
        return self.head2(h)


def local_input(x_vp, radius):
    """Pad the VP-scaled image by `radius` with zeros and append the coordinate channels."""
    n, _, h, w = x_vp.shape
    ys = -1.0 + 2.0 * torch.arange(-radius, h + radius, dtype=torch.float32) / (h - 1)
    xs = -1.0 + 2.0 * torch.arange(-radius, w + radius, dtype=torch.float32) / (w - 1)
    cy = ys[:, None].expand(h + 2 * radius, w + 2 * radius)
    cx = xs[None, :].expand(h + 2 * radius, w + 2 * radius)
    coords = torch.stack([cy, cx])[None].expand(n, 2, h + 2 * radius, w + 2 * radius)
    return torch.cat([F.pad(x_vp, (radius,) * 4), coords], dim=1)


class Classifier(nn.Module):
    """Small CNN; returns (logits, penultimate features) for quality metrics. Images of H x W with
    H and W divisible by 4."""

    def __init__(self, features=128, channels=1, size=(28, 28), classes=10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * (size[0] // 4) * (size[1] // 4), features), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, classes))

    def forward(self, x):
        f = self.body(x)
        return self.head(f), f
