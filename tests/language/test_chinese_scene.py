"""Chinese clauses read into English frame texts, one row per kind of structure (`language/chinese_scene.py`).
The clauses are other words than the ones the rules were written on: a row fails when a kind is read by its
words rather than by its structure."""

import pytest

from language.chinese_scene import english_scene

ROWS = [
    # (kind, clause, words the frame has, words it must not have)
    ("direction after a verb, before a place", "小男孩把纸飞机扔进了池塘", ["throw", "plane", "into", "pond"], []),
    ("direction after the 把 object", "小狗把拖鞋叼了回来", ["slipper", "back"], ["bright"]),
    ("direction after an object", "妈妈送孩子们回家", ["home"], ["going"]),
    ("a verb phrase before 的 describes its noun", "她和一只爱唱歌的鹦鹉交朋友", ["friend", "parrot", "sing"],
     []),
    ("a verb phrase before 的…是", "捡到钱包的原来是一个小女孩", ["girl", "purse|wallet"], []),
    ("a count and its noun", "他们一起种了三棵树", ["three trees"], ["the three"]),
    ("a large count", "奶奶烤了一百块饼干", ["hundred", "biscuits|cookies"], ["the biscuit"]),
    ("every", "他给每一个孩子一个苹果", ["every child"], []),
    ("the same", "每天同一只麻雀飞来", ["same"], ["identical"]),
    ("a noun's household", "小猫跑进了隔壁家的花园", ["garden"], ["home's", "family's garden"]),
    ("a place before 的", "她捡起了河边的石头", ["stone", "by the river"], ["river's"]),
    ("a place before 的, inside", "小熊吃光了罐子里的蜂蜜", ["honey", "in the jar"], ["jar's"]),
    ("rain that starts", "晚上下起了大雪", ["heavy snow"], ["starting", "rising"]),
    ("a simile", "月亮圆得像个盘子", ["as round as", "plate|tray"], []),
    ("two nouns in a row", "邮递员叔叔把信送到了老奶奶家", ["letter", "to the grandma"], ["letter the"]),
    ("a wanted verb is kept out of the picture by the idea; the 请 of asking", "请小鸟帮她找钥匙", ["bird", "key"],
     ["please"]),
    ("a pronoun's thing", "她的帽子被风吹走了", ["hat", "blown"], ["she's"]),
    ("-们 after a noun", "孩子们在操场上踢球", ["football"], ["plural marker"]),
    ("a verb said not to happen", "小狗从来不吃青菜", ["not eating", "vegetable"], []),
    ("a verb that cannot happen", "小兔子找不到回家的路", ["not finding"], ["cannoting"]),
]


@pytest.mark.parametrize("kind, clause, has, lacks", ROWS, ids=[row[0] for row in ROWS])
def test_a_chinese_clause_reads_by_its_structure(kind, clause, has, lacks):
    english = english_scene(clause, None, hero="the girl", last_thing="the kite").lower()
    assert all(any(w in english for w in word.split("|")) for word in has), f"{clause} → {english!r} lacks {has}"
    assert not any(word in english for word in lacks), f"{clause} → {english!r} has one of {lacks}"
