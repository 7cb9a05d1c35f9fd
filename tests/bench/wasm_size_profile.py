#!/usr/bin/python3
"""Where app.wasm's bytes go: the code of each function, read from a build linked with
--profiling-funcs (its name section), summed by component (our layers, SQLite, ImGui, the C++
library, nlohmann/json, …) and listed for the largest functions. scripts/wasm-size-profile links
that build and runs this on it.

    /usr/bin/python3 tests/bench/wasm_size_profile.py APP_WASM [TOP]
"""
import collections
import sys


def leb(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def read(path):
    """(section sizes by id, function body sizes, function names by index, imported functions)"""
    data = open(path, "rb").read()
    sections, bodies, names, imported = collections.Counter(), [], {}, 0
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        end = i + size
        if sid == 2:  # imports: function indexes start after the imported functions
            count, j = leb(data, i)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb(data, j)
                    imported += 1
                elif kind == 1:
                    flags, j = leb(data, j + 1)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 2:
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
                elif kind == 4:
                    _, j = leb(data, j + 1)
        elif sid == 10:  # code
            count, j = leb(data, i)
            for _ in range(count):
                n, k = leb(data, j)
                bodies.append(n + k - j)
                j = k + n
        elif sid == 0:
            n, j = leb(data, i)
            custom = data[j:j + n].decode()
            j += n
            if custom == "name":
                while j < end:
                    sub = data[j]
                    n, j = leb(data, j + 1)
                    sub_end = j + n
                    if sub == 1:
                        count, j = leb(data, j)
                        for _ in range(count):
                            index, j = leb(data, j)
                            n, j = leb(data, j)
                            names[index] = data[j:j + n].decode("utf8", "replace")
                            j += n
                    j = sub_end
            sid = "custom " + custom
        sections[sid] += size
        i = end
    return sections, bodies, names, imported


# Components by the start of a function's name; SQLite's static functions have no prefix of
# their own, so what is left is listed as "other" (mostly SQLite, libc and templates).
COMPONENTS = [
    ("our code: ui", ("quittance::ui::",)), ("our code: app", ("quittance::app::",)),
    ("our code: sync", ("quittance::sync::",)), ("our code: web glue", ("quittance::web::",)),
    ("our code: pdf", ("quittance::pdf::",)), ("our code: store", ("quittance::store::",)),
    ("our code: other layers", ("quittance::",)),
    ("nlohmann/json", ("nlohmann::", "bool nlohmann::", "void nlohmann::")),
    ("SQLite", ("sqlite3", "fts5", "session", "yy_", "vdbe", "btree", "pager", "whereLoop", "expr", "select")),
    ("Dear ImGui", ("ImGui", "Im", "stbtt", "stb_")), ("libharu", ("HPDF",)), ("date/tz", ("date::",)),
    ("C++ library", ("std::", "void std::", "bool std::", "unsigned int std::", "__")),
]


def component(name):
    for label, prefixes in COMPONENTS:
        if name.startswith(prefixes):
            return label
    return "other"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    sections, bodies, names, imported = read(path)
    functions = [(names.get(imported + k, "?"), size) for k, size in enumerate(bodies)]
    code = sum(size for _, size in functions)
    print(f"{path}: code {code:,} bytes in {len(functions):,} functions, data {sections.get(11, 0):,} bytes")
    by_component = collections.Counter()
    for name, size in functions:
        by_component[component(name)] += size
    for label, size in by_component.most_common():
        print(f"  {label:<24} {size:>10,} {100 * size / code:5.1f} %")
    print(f"largest {top} functions:")
    for name, size in sorted(functions, key=lambda f: -f[1])[:top]:
        print(f"  {size:>8,}  {name[:110]}")


if __name__ == "__main__":
    main()
