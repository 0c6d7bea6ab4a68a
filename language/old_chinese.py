"""Chinese ideas without a model: the glossary words of a clause, in order, as an English action-and-setting beat.

The embedded 135M model cannot translate; a small glossary (`language.glossary.CHINESE_GLOSSARY`) covers the
characters, places, objects, clothing, times and actions of children's stories, longest match first.

A description before the character ("穿红色围巾的小狐狸": the little fox in a red scarf) goes after it in
English ("a small fox wearing red scarf") so that the identity reads it, and out of the frames, which only
say what happens ("losing the red scarf in a snowy field").
"""

from __future__ import annotations

from dataclasses import dataclass

from language.glossary import CHINESE_BASE_VERBS, CHINESE_GLOSSARY, CHINESE_RESULT_VERBS, USUAL_COLOURS

_INTRANSITIVE = {"returning home", "walking", "running", "flying", "swimming", "sleeping", "dancing", "singing",
                 "laughing", "crying", "climbing", "playing"}
_TRANSITIVE = {"losing", "finding", "searching for", "getting back", "looking for", "picking up", "chasing",
               "hugging", "rescuing", "waiting for", "opening", "giving", "sharing", "discovering"}
_MOVING = {"returning home", "flying", "walking", "running", "swimming"}
_DESCRIBING = {"wear", "hold", "colour", "clothing", "size"}
_KEYS = sorted(CHINESE_GLOSSARY, key=len, reverse=True)


@dataclass
class _Token:
    key: str
    category: str
    english: str


_DICTIONARY_SKIP = {"m", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "x", "f", "q", "d", "r", "zg"}
_PERSON_ENDINGS = ("man", "woman", "er", "ist", "or", "ess", "ian")


def _dictionary_token(word: str, flag: str) -> _Token | None:
    """A word the glossary lacks, read through jieba's part of speech and CC-CEDICT (渔夫 → fisherman). A word
    whose first sense is a verb ("迷路": to lose the way) is an action whatever jieba tagged it."""
    from language import nlp
    from language.glossary import CHARACTER_NOUNS

    if flag in _DICTIONARY_SKIP or len(word) < 2 and not flag.startswith("v"):
        return None
    senses = nlp.cedict().get(word, [])
    first_is_verb = bool(senses) and senses[0].startswith("to ")
    english = nlp.english_sense(word, "v" if first_is_verb else flag).lower()
    if not english or len(english.split()) > 4:
        return None
    if flag.startswith("v") or first_is_verb:
        return _Token(word, "action", nlp.gerund(english))
    if flag == "t":
        return _Token(word, "time", f"in {english}" if " " not in english else english)
    if flag in ("s", "ns"):
        return _Token(word, "place", f"in the {english}")
    head = english.split()[-1]
    if nlp.parse(f"I saw the {english}.")[-2].pos_ not in ("NOUN", "PROPN"):  # "nomadic": a description
        return None
    if head in CHARACTER_NOUNS or head.endswith(_PERSON_ENDINGS) and len(head) > 4:
        return _Token(word, "character", english)
    if flag.startswith("n"):
        return _Token(word, "object", ("an " if english[:1] in "aeiou" else "a ") + english)
    return None


def _tokens(text: str) -> list[_Token]:
    """Glossary words of `text` in order, and CC-CEDICT readings of the words the glossary lacks; a description
    before "的 (小) CHARACTER" moves after the character, marked `described`; "小" stays only before a character.

    Longer than 50 lines: one pass over jieba's words with the glossary, the dictionary and the "的" reordering
    together; split, each piece would need the whole running state.
    """
    from language import nlp

    words, start = {}, 0
    for word, flag in nlp.chinese_words(text):  # jieba's words by where they start
        words[start] = (word, flag)
        start += len(word)
    tokens, position = [], 0
    while position < len(text):
        key = next((k for k in _KEYS if text.startswith(k, position)), None)
        word = words.get(position, ("", ""))[0]
        if key and len(word) > len(key) and _dictionary_token(*words[position]) is not None:
            key = None  # "海豚" (dolphin) is one word, not "海" (sea) and a rest
        if key:
            tokens.append(_Token(key, *CHINESE_GLOSSARY[key]))
            position += len(key)
        elif position in words and (token := _dictionary_token(*words[position])) is not None:
            if token.category == "object" and tokens and tokens[-1].category == "at":
                token = _Token(token.key, "place", f"at the {token.english.split(' ', 1)[1]}")  # 在山顶
            tokens.append(token)
            position += len(words[position][0])
        else:
            if text[position] in "，,。！？；;、":
                tokens.append(_Token(text[position], "break", ""))
            elif text[position] in "在到去往":
                tokens.append(_Token(text[position], "at", ""))
            position += 1
    out: list[_Token] = []
    for index, token in enumerate(tokens):
        if token.category == "size" and not (index + 1 < len(tokens) and tokens[index + 1].category == "character"):
            continue
        if token.category == "character" and token.key == "的":
            continue
        out.append(token)
    result: list[_Token] = []
    index = 0
    while index < len(out):
        token = out[index]
        if token.category == "of":
            after = index + 1 + (index + 1 < len(out) and out[index + 1].category == "size")
            if after < len(out) and out[after].category == "character":
                start = len(result)
                while start > 0 and result[start - 1].category in _DESCRIBING:
                    start -= 1
                described = [_Token(t.key, "described-" + t.category, t.english) for t in result[start:]]
                result = result[:start] + out[index + 1:after + 1] + described
                index = after + 1
                continue
            index += 1
            continue
        if token.category in ("wear", "hold") and result and result[-1].category == "character":
            end = index + 1  # "小男孩穿着蓝色雨衣": what the character wears, said after it
            while end < len(out) and out[end].category in ("colour", "clothing"):
                end += 1
            if end > index + 1:
                result += [_Token(t.key, "described-" + t.category, t.english) for t in out[index:end]]
                index = end
                continue
        result.append(token)
        index += 1
    return result


def chinese_to_english(text: str) -> str:
    """The glossary words of `text` in English, in order (enough to find the character, colours and clothing)."""
    return " ".join(t.english for t in _tokens(text) if t.english)


def worn_items(text: str) -> dict[str, str]:
    """Clothing the idea puts on its characters, with its colour: {"scarf": "red scarf"}."""
    worn: dict[str, str] = {}
    colour = ""
    for token in _tokens(text):
        if token.category.endswith("colour"):
            colour = token.english
        elif token.category.endswith("clothing"):
            if token.category.startswith("described") or token.english not in worn:
                worn[token.english] = f"{colour} {token.english}".strip() if colour else token.english
            colour = ""
        elif token.category not in ("wear", "described-wear"):
            colour = ""
    return worn


def _helper(english: str) -> str:
    phrase = " ".join(p for p in (USUAL_COLOURS.get(english, ""), english) if p)
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


@dataclass
class ClauseBeat:
    """One clause as a frame; `expanded` is two frames when its verb has a result ("找回来")."""

    beat: str
    caption: str
    objects: list[str]
    place: str
    zh_objects: list[str]
    expanded: list[tuple[str, str]] | None = None  # two (beat, caption) frames for a verb with a result
    zh_place: str = ""  # the place as the idea wrote it ("村子")


def read_clause(clause: str, main_character: str = "", worn: dict[str, str] | None = None,
                previous: ClauseBeat | None = None) -> ClauseBeat:
    """The frame for one Chinese clause: the other characters, the action, its object and the setting.

    Characters other than `main_character` become objects ("a bird") or, before the action, the subject
    ("a black crow helping search for the red scarf"). A transitive verb with no object in the clause takes
    the previous clause's object; a clause without a place happens where the previous one did.

    Longer than 50 lines: the clause patterns of Chinese ideas (subject, 在 place, 把 object, verb
    complements) are tried in order on one token list; tests/test_agent_language.py pins each.
    """
    worn = worn or {}
    caption = clause.strip(" ，,。")
    tokens = [t for t in _tokens(clause) if not t.category.startswith("described")]
    actions = [t.english for t in tokens if t.category == "action"]
    first_action = next((i for i, t in enumerate(tokens) if t.category == "action"), len(tokens))
    main_before = any(t.category == "character" and t.english == main_character for t in tokens[:first_action])
    subject = ""
    objects: list[str] = []
    zh_objects: list[str] = []
    colour = ""
    company: list[str] = []  # "和奶奶一起": with a grandmother; "用毛巾": with a towel
    for index, token in enumerate(tokens):
        if token.category == "character" and index and tokens[index - 1].category == "with":
            company.append("with " + _helper(token.english))
            continue
        if token.category == "object" and index and tokens[index - 1].category == "tool":
            company.append("with " + token.english)
            continue
        if token.category == "pronoun" and index and tokens[index - 1].category == "handle" and previous:
            objects += [("the " + o.split(" ", 1)[1]) if o.startswith(("a ", "an ")) else o
                        for o in previous.objects[:1]]  # "把它擦干": it is what the last clause was about
            zh_objects += previous.zh_objects[:1]
            continue
        if token.category == "colour":
            colour = token.english
            continue
        if token.category == "character" and token.english != main_character:
            before_pronoun = any(t.category == "pronoun" for t in tokens[:index])
            if index < first_action and actions and not main_before and not before_pronoun and not subject:
                subject = _helper(token.english)
            else:
                objects.append(_helper(token.english))
                zh_objects.append(token.key)
        elif token.category == "clothing":
            item = worn.get(token.english) or (f"{colour} {token.english}" if colour else token.english)
            objects.append("the " + item)
            zh_objects.append(token.key)
        elif token.category == "object":
            objects.append(token.english)
            zh_objects.append(token.key)
        colour = ""
    places = [t.english for t in tokens if t.category == "place"]
    times = [t.english for t in tokens if t.category == "time"]
    action = actions[0] if actions else ""
    if action == "helping" and len(actions) > 1:
        action = "helping " + CHINESE_BASE_VERBS.get(actions[1], actions[1])
        verb = actions[1]
    else:
        verb = action
    if previous and not objects and verb in _TRANSITIVE | set(CHINESE_RESULT_VERBS) and previous.objects:
        objects, zh_objects = previous.objects[:1], previous.zh_objects[:1]
    place = places[0] if places else ""
    if not place and previous and previous.place and verb not in _MOVING and (times or subject or actions):
        place = previous.place
    shown = objects[:2]
    if verb in _INTRANSITIVE and shown:
        shown = ["with " + shown[0]] + shown[1:]
    if len(shown) == 2:
        shown = [f"{shown[0]} and {shown[1]}"]  # two things: "a fishing net and a dolphin"
    tail = [*shown, *company[:1], place, *times[:1]]
    beat = " ".join(p for p in [subject, action, *tail] if p)
    if not action and not subject:
        beat = ("standing " + beat) if beat and not objects else ("looking at " + beat) if beat else ""
    expanded = None
    if verb in CHINESE_RESULT_VERBS and shown:
        search, result_caption = CHINESE_RESULT_VERBS[verb]
        searching = "helping " + CHINESE_BASE_VERBS.get(search, search) if action.startswith("helping") else search
        got = f"getting {shown[0]} back" if verb == "getting back" else f"{verb} {shown[0]}"
        got += f" from the {subject[2:]}" if subject and verb == "getting back" else ""
        zh_thing = zh_objects[0] if zh_objects else ""
        expanded = [(" ".join(p for p in [subject, searching, *tail] if p), caption),
                    (f"{got}, happy", result_caption.format(obj=zh_thing) if zh_thing else caption)]
    zh_place = next((t.key for t in tokens if t.category == "place"), "")
    if not zh_place and place and previous:
        zh_place = previous.zh_place
    return ClauseBeat(beat, caption, objects, place, zh_objects, expanded, zh_place)


def chinese_clause_beat(clause: str, main_character: str = "") -> str:
    """An English action-and-setting beat from the glossary words of one Chinese clause ('' when none)."""
    return read_clause(clause, main_character).beat


def chinese_title(text: str, main_character: str, adjectives: list[str]) -> str:
    """"The Small Fox and the Red Scarf": the character and the first thing or creature the story is about."""
    worn = worn_items(text)
    thing = ""
    for token in _tokens(text):
        if token.category == "clothing":
            thing = worn.get(token.english, token.english)
        elif token.category == "object":
            thing = token.english.split(" ", 1)[-1] if token.english.split()[0] in ("a", "an", "the") \
                else token.english
        elif token.category == "character" and token.english != main_character:
            thing = token.english
        if thing:
            break
    head = " ".join([*adjectives, main_character])
    words = f"the {head} and the {thing}" if thing else f"the {head}'s adventure"
    return " ".join(w if w in ("the", "and") and i else w[:1].upper() + w[1:] for i, w in enumerate(words.split()))


# Captions, in Chinese, for the beats added from the idea's own world (`language.reading.expand_events`).
ADDED_BEAT_CAPTIONS = {
    "wish": "{who}终于如愿以偿。", "made": "{who}欣赏着完成的{thing}。", "spot": "{who}发现了{thing}。",
    "after": "最后，{who}开心地回想着这一切。", "arrive": "{who}来到了{place}。", "thing": "{who}和{thing}在一起。",
    "moment": "{moment}，{who}。",
}
MOMENTS_ZH = {"in the early morning": "清晨", "at midday": "中午", "in the late afternoon": "下午",
              "in the evening": "傍晚", "at night": "夜里"}


def character_word(text: str, character: str) -> str:
    """How the idea names its main character ("小男孩" for "boy")."""
    return next((t.key for t in _tokens(text) if t.category == "character" and t.english == character), "主角")


def added_beat_caption(kind: str, about: str, who: str, chinese_of: dict[str, str]) -> str:
    """The caption of an added beat in Chinese; `chinese_of` maps the English things and places to the idea's
    own words."""
    thing = chinese_of.get(about) or chinese_of.get(about.split(" ", 1)[-1]) or ""
    template = ADDED_BEAT_CAPTIONS.get(kind, "{who}。")
    if ("{thing}" in template or "{place}" in template) and not thing:
        return f"{who}继续着这段旅程。"
    return template.format(who=who, thing=thing, place=thing, moment=MOMENTS_ZH.get(about, ""))


def main_character(text: str) -> tuple[str, str]:
    """(noun, descriptors) of the first character the idea names ("老渔夫": fisherman, old); ('', '') if none."""
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        if token.category == "character":
            before = []
            for earlier in reversed(tokens[:index]):
                if earlier.category not in ("size", "colour"):
                    break
                before.insert(0, earlier.english)
            return token.english, " ".join(before)
    return "", ""
