"""Janome 0.5.0's own tables, for Tests/JapaneseTextTests to compare the compiled dictionary with,
one record a line, tab-separated:

  K  index  invoke  group  length        each char.def category, in Janome's order
  U  index  left  right  cost  pos       each unk.def entry of that category, in order
  C  from  to  categories                runs of code points (hex) with the same categories from
                                         Janome's get_char_categories: index[:compatible,...], ';'-joined
  E  id  surface-hex  left  right  cost  pos   every system dictionary entry

Every BMP code point is classified (char.def's ranges end below U+10000) and a sample above it.
The in-memory dictionary's entries equal the memory-mapped default's (all 392,127 compared)."""
import sys

from janome.system_dic import SystemDictionary

dic = SystemDictionary.instance()
names = list(dic.char_categories)
index = {name: i for i, name in enumerate(names)}
out = []
for i, name in enumerate(names):
    c = dic.char_categories[name]
    out.append(f"K\t{i}\t{int(c['INVOKE'])}\t{int(c['GROUP'])}\t{c['LENGTH']}")
for i, name in enumerate(names):
    for left, right, cost, pos in dic.unknowns[name]:
        out.append(f"U\t{i}\t{left}\t{right}\t{cost}\t{pos}")


def categories(code_point):
    # The undecorated function: its lru_cache would only cost memory here.
    found = type(dic).get_char_categories.__wrapped__(dic, chr(code_point))
    return ";".join(str(index[c]) + "".join(":" + str(index[k]) for k in compatible) for c, compatible in found.items())


points = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF] + list(range(0x10000, 0x110000, 4099)) + [0x10FFFF]
run_start = previous = points[0]
run = categories(run_start)
for c in points[1:] + [None]:
    here = categories(c) if c is not None else None
    if here != run or c != previous + 1:
        out.append(f"C\t{run_start:x}\t{previous:x}\t{run}")
        run_start, run = c, here
    previous = c
for num in sorted(dic.entries):
    surface, left, right, cost, pos = dic.entries[num][:5]
    out.append(f"E\t{num}\t{surface.encode('utf-8').hex()}\t{left}\t{right}\t{cost}\t{pos}")
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))
