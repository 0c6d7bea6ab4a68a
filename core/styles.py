"""Style presets: a named look whose phrase is appended to the identity prompt at render time.

The identity prompt carries the character *and* the style (1Prompt1Story keeps everything shared by all frames
in the identity part), so changing the style changes every frame. Phrases are short to leave CLIP tokens for
the frames.
"""

DEFAULT_STYLE = "storybook"

STYLE_PRESETS: dict[str, str] = {
    "none": "",
    "storybook": "children's storybook illustration, soft watercolor, warm colors",
    "comic": "comic book art, bold ink outlines, flat vivid colors",
    "anime": "anime style, clean line art, cel shading",
    "photo": "cinematic photo, natural light, 35mm film",
    "painting": "digital painting, rich brush strokes, detailed",
    "pixel": "pixel art, 16-bit video game style",
    "3d": "3d render, soft studio lighting, stylized characters",
    "sketch": "pencil sketch, cross-hatching, monochrome",
}

# Sensible default for illustration models; the person can replace it in the settings.
DEFAULT_NEGATIVE_PROMPT = "blurry, deformed, extra limbs, text, watermark, signature"


def style_phrase(style: str) -> str:
    """The phrase for a preset name; an unknown name is used as a free-form style phrase."""
    key = style.strip().lower()
    return STYLE_PRESETS.get(key, style.strip())


def compose_identity(identity_prompt: str, style: str) -> str:
    """The identity prompt as sent to the generator: character, then the style phrase."""
    phrase = style_phrase(style)
    identity = identity_prompt.strip().rstrip(",")
    return f"{identity}, {phrase}" if phrase else identity
