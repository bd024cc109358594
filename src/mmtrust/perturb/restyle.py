"""Image restyles for MM-R3's restyling task (spec: shared/spec/mmr3.md).

MM-R3 restyles images with neural style transfer (candy, mosaic, udnie) and grayscale. The
style-transfer weights are not available offline, so this module provides classical,
deterministic image transforms in their place, as the spec allows: ``grayscale``,
``posterise`` (cartoon-like colour quantisation with dark edges), ``edge_sketch`` (pencil
sketch), ``colour_shift`` (hue rotation), ``blur``, ``jpeg`` (heavy recompression) and
``noise`` (seeded Gaussian noise), and two sensor-like ones for MultiTrust's R.2 analogue,
``thermal`` (infrared-like colour map) and ``xray`` (inverted grey levels).

Every restyle is a function ``(image, seed) -> image`` that returns an RGB image of the input's
size and gives the same pixels for the same seed; restyles without randomness ignore the seed.
A user's own style (e.g. a real neural style transfer) plugs in either by
``register_restyle(name, function)`` or by naming it as ``"module.path:function"`` wherever a
restyle name is accepted (``resolve_restyle``).

Colour: TrustWorld asks "What colour is the triangle?". A restyle that removes or remaps colour
(``grayscale``, ``edge_sketch``, ``colour_shift``) changes the true answer of such a question,
so an inconsistent reply there is correct behaviour rather than an inconsistency. Shape,
position and existence questions name objects by colour ("the red object", "the red circle"),
so under those restyles they refer to a colour the image no longer shows; only the families in
``COLOUR_FREE_FAMILIES`` (count, text) are safe under every restyle. Only the
restyles in ``PRESERVES_COLOUR`` keep every object's colour name (the tests check this on
scenes rendered at the default 192 px; below about 128 px the smallest shapes are a few pixels
wide and JPEG blocks or edge lines can swamp them); a task should ask colour questions under
those alone. Only ``noise`` and ``colour_shift`` use the seed.
"""

from __future__ import annotations

import importlib
import io
import random
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter, ImageOps

Restyle = Callable[[Image.Image, int], Image.Image]
"""``(image, seed) -> restyled image``: RGB, same size, deterministic for a seed."""

_POSTERISE_STEP = 32
"""Width of one channel level: eight levels, coarse enough to look flat, fine enough that no
two TrustWorld colours fall into one level triple."""
_EDGE_THRESHOLD = 48
"""Largest channel difference between neighbours that still counts as flat colour."""
_EDGE_COLOUR = (30, 30, 30)
_SKETCH_BLUR = 1.0
"""Blur radius of the colour-dodge shading, in 64ths of the image side (3 px at 192 px)."""
_PENCIL_GREY = 70
"""Grey of the pencil lines drawn along colour edges."""
_BLUR_RADIUS = 1.0
"""Gaussian blur radius, likewise relative to a 64th of the image side (3 px at 192 px); a
wider blur washes the smallest TrustWorld shapes towards the background colour."""
_JPEG_QUALITY = 10
"""Heavy enough for visible 8x8 blocking, light enough that chroma subsampling does not turn a
small TrustWorld shape into a neighbouring colour name at the default 192 px."""
_NOISE_SIGMA = 24.0
_HUE_SHIFT_RANGE = (64, 192)
"""Hue rotation in PIL's 0-255 hue scale: 90 to 270 degrees, always a clearly different hue."""


def _rgb(image: Image.Image) -> Image.Image:
    """The image in RGB mode (restyles accept any mode and always return RGB)."""
    return image if image.mode == "RGB" else image.convert("RGB")


def _scale(image: Image.Image) -> float:
    """A 64th of the shorter side: filter radii scale with the image, not with pixels."""
    return float(min(image.size)) / 64.0


def grayscale(image: Image.Image, seed: int = 0) -> Image.Image:
    """Luminance only, as MM-R3's grayscale style (seed ignored)."""
    return _rgb(image).convert("L").convert("RGB")


def posterise(image: Image.Image, seed: int = 0) -> Image.Image:
    """Cartoon look: flat colour levels per channel and dark lines along colour edges.

    Per-channel levels rather than a palette quantiser: a palette of a few colours can merge
    two object colours (orange into red), which would change a colour question's answer. Each
    value maps to the middle of its level, not its floor as ``ImageOps.posterize`` does, so a
    colour moves by at most half a level and does not darken (seed ignored).
    """
    pixels = np.asarray(_rgb(image), dtype=np.int16)
    flat = (pixels // _POSTERISE_STEP) * _POSTERISE_STEP + _POSTERISE_STEP // 2
    flat[_edges(pixels)] = _EDGE_COLOUR
    return Image.fromarray(flat.astype(np.uint8), "RGB")


def _edges(pixels: np.ndarray) -> np.ndarray:
    """Boolean map of pixels next to a colour change (right or below), two pixels wide."""
    step_x = np.abs(np.diff(pixels, axis=1)).max(axis=2) > _EDGE_THRESHOLD
    step_y = np.abs(np.diff(pixels, axis=0)).max(axis=2) > _EDGE_THRESHOLD
    edges = np.zeros(pixels.shape[:2], dtype=bool)
    # mark both pixels of each differing pair, so a line is drawn on either side of the edge
    edges[:, :-1] |= step_x
    edges[:, 1:] |= step_x
    edges[:-1, :] |= step_y
    edges[1:, :] |= step_y
    return edges


def edge_sketch(image: Image.Image, seed: int = 0) -> Image.Image:
    """Pencil sketch: dark lines along colour edges over colour-dodge shading (seed ignored).

    The dodge (grey divided by its blurred negative) turns flat regions paper white and
    shades only near luminance edges; the lines add the edges between colours of similar
    luminance, which the dodge alone would lose. Colour is gone either way.
    """
    pixels = np.asarray(_rgb(image), dtype=np.int16)
    grey = _rgb(image).convert("L")
    negative = ImageOps.invert(grey).filter(ImageFilter.GaussianBlur(_SKETCH_BLUR * _scale(image)))
    base = np.asarray(grey, dtype=np.float64)
    blurred = np.asarray(negative, dtype=np.float64)
    sketch = np.clip(base * 255.0 / np.maximum(255.0 - blurred, 1.0), 0, 255)
    lines = _edges(pixels)
    sketch[lines] = np.minimum(sketch[lines], _PENCIL_GREY)
    return Image.fromarray(sketch.astype(np.uint8), "L").convert("RGB")


def colour_shift(image: Image.Image, seed: int = 0) -> Image.Image:
    """Rotate every hue by a seeded angle between 90 and 270 degrees; greys stay grey."""
    shift = random.Random(seed).randint(*_HUE_SHIFT_RANGE)
    hsv = np.asarray(_rgb(image).convert("HSV"), dtype=np.uint8).copy()
    # uint8 arithmetic wraps modulo 256, which is exactly a rotation of PIL's hue circle
    hsv[..., 0] = (hsv[..., 0].astype(np.uint16) + shift).astype(np.uint8)
    return Image.fromarray(hsv, "HSV").convert("RGB")


def blur(image: Image.Image, seed: int = 0) -> Image.Image:
    """Gaussian blur scaled to the image size (seed ignored)."""
    return _rgb(image).filter(ImageFilter.GaussianBlur(_BLUR_RADIUS * _scale(image)))


def jpeg(image: Image.Image, seed: int = 0) -> Image.Image:
    """Heavy JPEG recompression: blocking and ringing artefacts (seed ignored)."""
    buffer = io.BytesIO()
    _rgb(image).save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return _rgb(decoded.copy())


def noise(image: Image.Image, seed: int = 0) -> Image.Image:
    """Additive Gaussian pixel noise drawn from ``seed`` (clipped to the valid range)."""
    # numpy seeds must be non-negative; reduce any Python int onto that range
    rng = np.random.default_rng(seed % 2**64)
    pixels = np.asarray(_rgb(image), dtype=np.float64)
    noisy = pixels + rng.normal(0.0, _NOISE_SIGMA, size=pixels.shape)
    return Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8), "RGB")


_THERMAL_STOPS = ((0, 0, 0), (80, 0, 140), (200, 30, 60), (250, 160, 0), (255, 255, 220))
"""A thermal camera's palette, cold to hot: black, purple, red, orange, near-white."""


def thermal(image: Image.Image, seed: int = 0) -> Image.Image:
    """Infrared-like: brightness mapped through a thermal palette (BenchLMM's infrared sensor
    style, classically). Colour names do not survive it."""
    grey = np.asarray(_rgb(image).convert("L"), dtype=np.float64) / 255.0
    stops = np.asarray(_THERMAL_STOPS, dtype=np.float64)
    position = grey * (len(stops) - 1)
    low = np.clip(np.floor(position).astype(int), 0, len(stops) - 2)
    fraction = (position - low)[..., None]
    pixels = stops[low] * (1 - fraction) + stops[low + 1] * fraction
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB")


def xray(image: Image.Image, seed: int = 0) -> Image.Image:
    """X-ray-like: inverted grey levels, softened and with raised contrast (BenchLMM's X-ray
    styles, classically). Colour names do not survive it."""
    grey = ImageOps.invert(_rgb(image).convert("L")).filter(ImageFilter.GaussianBlur(0.6))
    return ImageOps.autocontrast(grey, cutoff=1).convert("RGB")


RESTYLES: dict[str, Restyle] = {
    "grayscale": grayscale,
    "posterise": posterise,
    "edge_sketch": edge_sketch,
    "colour_shift": colour_shift,
    "blur": blur,
    "jpeg": jpeg,
    "noise": noise,
    "thermal": thermal,
    "xray": xray,
}
"""Restyles by name; extend it with ``register_restyle``."""

_BUILT_IN: dict[str, Restyle] = dict(RESTYLES)
"""The shipped restyles, to tell a built-in name from a user style registered over it."""

PRESERVES_COLOUR: frozenset[str] = frozenset({"posterise", "blur", "jpeg", "noise"})
"""Built-in restyles after which every TrustWorld object keeps its colour name.

``grayscale`` and ``edge_sketch`` drop colour altogether and ``colour_shift`` maps red to some
other hue, so "What colour is the triangle?" has a different (or no) true answer afterwards,
and questions that pick an object by its colour no longer match the image."""

COLOUR_FREE_FAMILIES: frozenset[str] = frozenset({"count", "text", "text_absent"})
"""TrustWorld question families that never mention a colour: their answers survive every
restyle, including those outside ``PRESERVES_COLOUR``."""

_USER_PRESERVES_COLOUR: set[str] = set()
"""Registered user restyles whose author declared that they keep colours."""


def register_restyle(
    name: str, function: Restyle, *, preserves_colour: bool = False, replace: bool = False
) -> None:
    """Add ``function`` to ``RESTYLES`` under ``name``.

    ``preserves_colour`` declares that the style keeps colour names, so colour questions may
    be asked under it; it defaults to False because an unknown style may well recolour.
    Re-registering a name needs ``replace=True``, so a plug-in cannot shadow a built-in style
    by accident.
    """
    if not name or ":" in name:
        raise ValueError(
            f"Restyle name {name!r} must be non-empty and contain no ':' "
            "(a ':' marks a 'module.path:function' reference)."
        )
    if not callable(function):
        raise TypeError(f"Restyle {name!r} must be callable as (image, seed) -> image.")
    if name in RESTYLES and not replace:
        raise ValueError(f"Restyle {name!r} is already registered; pass replace=True.")
    RESTYLES[name] = function
    _USER_PRESERVES_COLOUR.discard(name)
    if preserves_colour:
        _USER_PRESERVES_COLOUR.add(name)


def resolve_restyle(spec: str) -> Restyle:
    """The restyle named ``spec``: a registered name or ``"module.path:function"``.

    A module reference is imported, so a user's own style function needs no registration.
    """
    if spec in RESTYLES:
        return RESTYLES[spec]
    if ":" not in spec:
        raise ValueError(
            f"Unknown restyle {spec!r}; known: {sorted(RESTYLES)}, "
            "or give your own function as 'module.path:function'."
        )
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"Restyle reference {spec!r} must have the form 'module.path:function'.")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(
            f"Cannot import module {module_name!r} of restyle {spec!r}: {exc}"
        ) from exc
    function = module
    # allow "module:Class.method" style references to nested attributes
    for part in attribute.split("."):
        if not hasattr(function, part):
            raise ValueError(f"Module {module_name!r} has no attribute {attribute!r} ({spec!r}).")
        function = getattr(function, part)
    if not callable(function):
        raise ValueError(f"Restyle {spec!r} is not callable as (image, seed) -> image.")
    restyle: Restyle = function
    return restyle


def preserves_colour(spec: str) -> bool:
    """Whether colour questions keep their answers under restyle ``spec``.

    True for the built-ins in ``PRESERVES_COLOUR`` and for registered styles declared so;
    False for anything else, including ``module:function`` references, since nothing says
    what they do to colour.
    """
    if spec in _USER_PRESERVES_COLOUR:
        return True
    # a built-in name replaced by a user style no longer carries the built-in's guarantee
    return spec in PRESERVES_COLOUR and RESTYLES.get(spec) is _BUILT_IN.get(spec)


def apply_restyle(spec: str, image: Image.Image, seed: int = 0) -> Image.Image:
    """Restyle ``image`` with ``spec`` and check that a (possibly user) style kept its size.

    The result is converted to RGB, so downstream encoders see one mode whatever the style.
    """
    result = resolve_restyle(spec)(image, seed)
    if not isinstance(result, Image.Image):
        raise TypeError(f"Restyle {spec!r} returned {type(result).__name__}, not a PIL image.")
    if result.size != image.size:
        raise ValueError(
            f"Restyle {spec!r} changed the image size from {image.size} to {result.size}."
        )
    return _rgb(result)
