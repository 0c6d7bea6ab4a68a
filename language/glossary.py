"""Word lists behind the deterministic planner: character nouns, story beats, and a small Chinese glossary.

The embedded LLM (SmolLM2-135M) is too small to be trusted with structure or translation, so the planner
can always build a usable plan from these lists alone and let the model only rephrase it.
"""

ANIMALS = {
    "fox", "cat", "kitten", "dog", "puppy", "rabbit", "bunny", "bear", "owl", "mouse", "lion", "tiger",
    "panda", "penguin", "elephant", "monkey", "bird", "duck", "frog", "turtle", "horse", "pig", "wolf",
    "deer", "squirrel", "hedgehog", "otter", "whale", "dolphin", "fish", "octopus", "giraffe", "zebra",
    "koala", "raccoon", "badger", "goat", "sheep", "cow", "chicken", "parrot", "butterfly", "bee", "snail",
    "phoenix", "unicorn", "dragon", "dinosaur", "cheetah", "walrus", "hamster", "crab", "seagull", "lamb",
    "crow", "raven", "eagle", "hawk", "swan", "goose", "camel", "kangaroo", "sloth", "beaver", "moose", "seal",
    "shark", "bat", "mole", "llama", "snake", "spider", "ladybug", "ant", "puffin", "flamingo", "lizard",
}

# Person nouns and the age phrase that makes their identity concrete.
PEOPLE = {
    "girl": "about eight years old", "boy": "about eight years old", "child": "about seven years old",
    "kid": "about seven years old", "woman": "in her thirties", "man": "in his thirties",
    "grandmother": "in her seventies", "grandfather": "in his seventies", "grandma": "in her seventies",
    "grandpa": "in his seventies", "princess": "about sixteen years old", "prince": "about sixteen years old",
    "knight": "in his twenties", "wizard": "very old", "witch": "very old", "astronaut": "in her thirties",
    "pirate": "in his forties", "sailor": "in his fifties", "detective": "in her forties", "chef": "in his forties",
    "farmer": "in her fifties", "teacher": "in her forties", "student": "about fifteen years old",
    "explorer": "in her twenties", "scientist": "in his forties", "king": "in his sixties", "queen": "in her sixties",
    "keeper": "in his sixties", "baker": "in her fifties", "traveler": "in her twenties", "musician": "in his twenties",
    "brother": "about ten years old", "sister": "about ten years old", "mother": "in her thirties",
    "father": "in his thirties", "doctor": "in her forties", "painter": "in his thirties",
    "firefighter": "in her thirties", "son": "about eight years old", "daughter": "about eight years old",
    "aunt": "in her forties", "uncle": "in his forties", "cousin": "about ten years old", "baby": "one year old",
    "friend": "about ten years old", "neighbour": "in her fifties", "neighbor": "in her fifties",
    "postman": "in his fifties", "fisherman": "in his sixties", "shepherd": "in his thirties",
}

# What a role wears when the idea does not say ("an astronaut" in a jacket and boots would not read as one).
ROLE_OUTFITS = {
    "astronaut": ["white spacesuit", "round glass helmet"], "knight": ["silver armour", "red cape"],
    "pirate": ["black tricorn hat", "long red coat"], "wizard": ["long blue robe", "pointed hat"],
    "witch": ["black pointed hat", "purple cloak"], "chef": ["white apron", "tall white chef hat"],
    "princess": ["pink gown", "small golden crown"], "prince": ["blue tunic", "small golden crown"],
    "king": ["red velvet robe", "golden crown"], "queen": ["purple gown", "golden crown"],
    "detective": ["brown trench coat", "flat cap"], "firefighter": ["yellow firefighter uniform", "red helmet"],
    "doctor": ["white coat", "stethoscope"], "scientist": ["white lab coat", "round glasses"],
    "sailor": ["navy striped shirt", "white sailor cap"], "farmer": ["blue overalls", "straw hat"],
    "explorer": ["khaki jacket", "wide-brimmed hat"], "baker": ["white apron", "flour-dusted sleeves"],
}

OTHER_CHARACTERS = {"robot", "ghost", "alien", "monster", "snowman", "doll", "teddy", "fairy", "elf", "giant"}

CHARACTER_NOUNS = ANIMALS | set(PEOPLE) | OTHER_CHARACTERS

# What the idea may attach to its character; the identity keeps every one of them.
AGE_WORDS = {"young", "old", "elderly", "baby", "teenage", "aged", "ancient"}
CLOTHING = [  # two-word items first (longest match)
    "bow tie", "top hat", "rain boots", "raincoat", "scarf", "hat", "cap", "coat", "jacket", "boots", "dress",
    "cloak", "cape", "armour", "armor", "spacesuit", "suit", "tie", "glasses", "goggles", "helmet", "backpack",
    "satchel", "shirt", "sweater", "jumper", "hoodie", "crown", "apron", "gloves", "mittens", "shoes", "overalls",
    "hood", "mask", "vest", "skirt", "uniform", "robe", "bandana", "necklace", "collar", "bow", "beret", "kimono",
]
UNCOUNTABLE_CLOTHING = {"armour", "armor", "glasses", "goggles", "boots", "rain boots", "gloves", "mittens",
                        "shoes", "overalls"}
HELD_ITEMS = ["umbrella", "lantern", "balloon", "sword", "staff", "wand", "basket", "shield", "cane", "kite",
              "book", "guitar", "violin", "paintbrush", "fishing rod", "map", "flower"]
FEATURES = ["wheel", "wheels", "ears", "ear", "tail", "eyes", "eye", "horns", "horn", "wings", "beard", "hair",
            "antenna", "antennae", "spots", "stripes", "fur", "mane", "whiskers", "paws", "legs", "leg", "patch",
            "scar", "nose", "freckles", "feathers", "shell", "claws", "arm", "arms"]

COLOURS = ["red", "blue", "green", "yellow", "orange", "purple", "white", "black", "brown", "grey", "pink", "golden"]
COLOUR_WORDS = set(COLOURS) | {"silver", "gray", "gold", "violet", "crimson", "scarlet", "navy", "teal", "beige",
                               "turquoise", "rainbow", "striped", "spotted"}

# Chinese → English. Longest match wins. Categories: character, colour, place, object, time, action.
CHINESE_GLOSSARY: dict[str, tuple[str, str]] = {
    # characters
    "小猫": ("character", "cat"), "猫": ("character", "cat"), "小狗": ("character", "dog"), "狗": ("character", "dog"),
    "狐狸": ("character", "fox"), "兔子": ("character", "rabbit"), "熊猫": ("character", "panda"),
    "熊": ("character", "bear"), "龙": ("character", "dragon"), "小女孩": ("character", "girl"),
    "女孩": ("character", "girl"), "小男孩": ("character", "boy"), "男孩": ("character", "boy"),
    "公主": ("character", "princess"), "王子": ("character", "prince"), "机器人": ("character", "robot"),
    "宇航员": ("character", "astronaut"), "巫师": ("character", "wizard"), "魔法师": ("character", "wizard"),
    "骑士": ("character", "knight"), "小鸟": ("character", "bird"), "鸟": ("character", "bird"),
    "老虎": ("character", "tiger"), "狮子": ("character", "lion"), "猴子": ("character", "monkey"),
    "大象": ("character", "elephant"), "企鹅": ("character", "penguin"), "老鼠": ("character", "mouse"),
    "奶奶": ("character", "grandmother"), "爷爷": ("character", "grandfather"), "海盗": ("character", "pirate"),
    "乌鸦": ("character", "crow"), "松鼠": ("character", "squirrel"), "猫头鹰": ("character", "owl"),
    "鸭子": ("character", "duck"), "青蛙": ("character", "frog"), "乌龟": ("character", "turtle"),
    "马": ("character", "horse"), "小猪": ("character", "pig"), "猪": ("character", "pig"), "狼": ("character", "wolf"),
    "鹿": ("character", "deer"), "刺猬": ("character", "hedgehog"), "小兔": ("character", "rabbit"),
    "羊": ("character", "sheep"), "小羊": ("character", "lamb"), "鸡": ("character", "chicken"),
    "天鹅": ("character", "swan"), "鹦鹉": ("character", "parrot"), "恐龙": ("character", "dinosaur"),
    "雪人": ("character", "snowman"), "老奶奶": ("character", "grandmother"), "老爷爷": ("character", "grandfather"),
    # quantifiers, wearing/holding markers, pronouns (used to reorder "穿红色围巾的小狐狸" → "small fox wearing ...")
    "一只": ("det", "a"), "一个": ("det", "a"), "一位": ("det", "a"), "一条": ("det", "a"), "一头": ("det", "a"),
    "穿着": ("wear", "wearing"), "穿": ("wear", "wearing"), "戴着": ("wear", "wearing"), "戴": ("wear", "wearing"),
    "围着": ("wear", "wearing"), "拿着": ("hold", "holding"), "的": ("of", ""), "小": ("size", "small"),
    "用": ("tool", ""), "把": ("handle", ""), "将": ("handle", ""), "老": ("size", "old"), "年轻": ("size", "young"),
    "和": ("with", ""), "跟": ("with", ""), "一起": ("skip", ""), "马上": ("skip", ""), "一种": ("det", "a"),
    "它们": ("pronoun", ""), "它": ("pronoun", ""), "他": ("pronoun", ""), "她": ("pronoun", ""),
    # clothing (the identity keeps what the character wears; frames say "the red scarf")
    "围巾": ("clothing", "scarf"), "帽子": ("clothing", "hat"), "外套": ("clothing", "coat"),
    "大衣": ("clothing", "coat"), "靴子": ("clothing", "boots"), "雨衣": ("clothing", "raincoat"),
    "雨靴": ("clothing", "rain boots"), "裙子": ("clothing", "dress"), "披风": ("clothing", "cape"),
    "斗篷": ("clothing", "cloak"), "书包": ("clothing", "backpack"), "背包": ("clothing", "backpack"),
    "眼镜": ("clothing", "glasses"), "手套": ("clothing", "mittens"), "毛衣": ("clothing", "sweater"),
    "鞋子": ("clothing", "shoes"), "领结": ("clothing", "bow tie"), "王冠": ("clothing", "crown"),
    # colours
    "红色": ("colour", "red"), "红": ("colour", "red"), "蓝色": ("colour", "blue"), "蓝": ("colour", "blue"),
    "绿色": ("colour", "green"), "黄色": ("colour", "yellow"), "白色": ("colour", "white"), "白": ("colour", "white"),
    "黑色": ("colour", "black"), "紫色": ("colour", "purple"), "粉色": ("colour", "pink"), "金色": ("colour", "golden"),
    "橙色": ("colour", "orange"), "灰色": ("colour", "grey"), "棕色": ("colour", "brown"), "绿": ("colour", "green"),
    "黄": ("colour", "yellow"), "黑": ("colour", "black"), "紫": ("colour", "purple"), "粉红色": ("colour", "pink"),
    # places (with their preposition)
    "森林": ("place", "in a deep forest"), "大海": ("place", "on the open sea"), "海边": ("place", "on a sunny beach"),
    "海": ("place", "by the sea"), "山上": ("place", "on a mountain top"), "山": ("place", "in the mountains"),
    "城市": ("place", "in a busy city"), "村子": ("place", "in a small village"),
    "村庄": ("place", "in a small village"),
    "花园": ("place", "in a blooming garden"), "太空": ("place", "in outer space"), "月球": ("place", "on the moon"),
    "学校": ("place", "at a village school"), "家": ("place", "at a cozy home"), "河": ("place", "by a river"),
    "湖": ("place", "by a quiet lake"), "沙漠": ("place", "in a wide desert"), "城堡": ("place", "in an old castle"),
    "山洞": ("place", "in a dark cave"), "洞穴": ("place", "in a dark cave"), "雪地": ("place", "in a snowy field"),
    "天空": ("place", "high in the sky"), "公园": ("place", "in a city park"), "图书馆": ("place", "in a library"),
    "厨房": ("place", "in a warm kitchen"), "市场": ("place", "in a busy market"),
    # objects
    "月亮": ("object", "the moon"), "星星": ("object", "shining stars"), "太阳": ("object", "the sun"),
    "灯笼": ("object", "a glowing lantern"), "钥匙": ("object", "a golden key"), "书": ("object", "an old book"),
    "花": ("object", "a bright flower"), "宝藏": ("object", "a treasure chest"), "地图": ("object", "an old map"),
    "气球": ("object", "a red balloon"), "蛋糕": ("object", "a birthday cake"), "伞": ("object", "an umbrella"),
    "船": ("object", "a small boat"), "火箭": ("object", "a rocket"),
    "礼物": ("object", "a wrapped gift"), "球": ("object", "a ball"), "风筝": ("object", "a kite"),
    "蝴蝶": ("object", "a butterfly"), "鱼": ("object", "a fish"), "朋友": ("object", "a new friend"),
    # times and weather
    "晚上": ("time", "at night"), "夜晚": ("time", "at night"), "夜里": ("time", "at night"),
    "早上": ("time", "in the early morning"), "清晨": ("time", "at dawn"), "黄昏": ("time", "at sunset"),
    "傍晚": ("time", "at sunset"), "下雨": ("time", "in the rain"), "下雪": ("time", "in falling snow"),
    "冬天": ("time", "in winter"), "夏天": ("time", "in summer"),
    # actions (gerunds)
    "找到": ("action", "finding"), "发现": ("action", "discovering"), "寻找": ("action", "searching for"),
    "回家": ("action", "returning home"), "遇到": ("action", "meeting"), "遇见": ("action", "meeting"),
    "帮助": ("action", "helping"), "游泳": ("action", "swimming"), "睡觉": ("action", "sleeping"),
    "唱歌": ("action", "singing"), "跳舞": ("action", "dancing"), "飞": ("action", "flying"),
    "跑": ("action", "running"), "走": ("action", "walking"), "吃": ("action", "eating"), "玩": ("action", "playing"),
    "哭": ("action", "crying"), "笑": ("action", "laughing"), "读": ("action", "reading"), "画": ("action", "painting"),
    "爬": ("action", "climbing"), "看": ("action", "watching"), "打开": ("action", "opening"),
    "送": ("action", "giving"),
    "等": ("action", "waiting for"), "做": ("action", "making"),
    "放风筝": ("action", "flying a kite"), "堆雪人": ("action", "building a snowman"),
    "丢了": ("action", "losing"), "丢": ("action", "losing"), "弄丢": ("action", "losing"),
    "找回来": ("action", "getting back"), "找回": ("action", "getting back"), "拿回": ("action", "getting back"),
    "找": ("action", "searching for"), "帮": ("action", "helping"), "帮忙": ("action", "helping"),
    "追": ("action", "chasing"), "捡": ("action", "picking up"), "种": ("action", "planting"),
    "分享": ("action", "sharing"), "救": ("action", "rescuing"), "抱": ("action", "hugging"),
}

# Bare verbs after "helping" ("a crow helping search for the scarf").
CHINESE_BASE_VERBS = {"searching for": "search for", "finding": "find", "getting back": "get back",
                      "looking for": "look for", "carrying": "carry", "making": "make", "opening": "open",
                      "climbing": "climb", "picking up": "pick up", "planting": "plant", "rescuing": "rescue"}
# A verb with a result ("找回来": look for it and get it back) can fill two frames when the idea is short.
CHINESE_RESULT_VERBS = {"getting back": ("searching for", "{obj}找回来了！"),
                        "finding": ("searching for", "找到了{obj}！")}
# The colour an animal is drawn in when the idea does not say ("a black crow").
USUAL_COLOURS = {"crow": "black", "raven": "black", "swan": "white", "snowman": "white", "panda": "black and white",
                 "penguin": "black and white", "sheep": "white", "lamb": "white"}
