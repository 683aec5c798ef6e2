#!/usr/bin/python3
"""Makes broken inputs for bad-input.test.

  bad_input.py drop SRC DST NAME           copy model dir SRC to DST without
                                           tensor NAME
  bad_input.py shape SRC DST NAME D0,D1..  ... with NAME's shape replaced
                                           (data resized to match)
  bad_input.py dtype SRC DST NAME DTYPE    ... with NAME's bytes relabelled
                                           as DTYPE (same byte size)
  bad_input.py header-len SRC DST DELTA    ... with the header length field
                                           of model.safetensors + DELTA
  bad_input.py truncate FILE N             keep the first N bytes of FILE
                                           (negative: drop the last -N)
  bad_input.py flip FILE OFFSET [MASK]     xor byte OFFSET with MASK (default
                                           0xff; negative OFFSET: from the end)
  bad_input.py flip-symbol ELF SYMBOL K [MASK]
                                           the same for byte K of SYMBOL's
                                           data, found through the ELF symbol
                                           and section tables (no readelf)
"""
import json
import os
import shutil
import struct
import sys


def read_st(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__", None)
    tensors = {}
    for name, e in header.items():
        b, t = e["data_offsets"]
        tensors[name] = [e["dtype"], e["shape"], data[b:t]]
    return tensors, meta


def write_st(path, tensors, meta):
    header = {} if meta is None else {"__metadata__": meta}
    off, blobs = 0, []
    for name in sorted(tensors):
        dt, shape, data = tensors[name]
        header[name] = {"dtype": dt, "shape": shape,
                        "data_offsets": [off, off + len(data)]}
        off += len(data)
        blobs.append(data)
    raw = json.dumps(header, sort_keys=True).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def edit_model(src, dst, name, fn):
    """Copies model dir src to dst and applies fn to tensor `name` (in
    whichever single-file checkpoint holds it)."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    path = os.path.join(dst, "model.safetensors")
    tensors, meta = read_st(path)
    if name not in tensors:
        sys.exit("bad_input.py: no tensor %r in %s" % (name, path))
    fn(tensors, name)
    write_st(path, tensors, meta)


ITEMSIZE = {"F32": 4, "F16": 2, "BF16": 2, "I32": 4, "I64": 8, "I8": 1,
            "U8": 1, "F64": 8, "BOOL": 1, "I16": 2}


def flip(path, offset, mask=0xFF):
    with open(path, "r+b") as f:
        f.seek(0, 2)
        size = f.tell()
        if offset < 0:
            offset += size
        if not 0 <= offset < size:
            sys.exit("bad_input.py: offset %d outside %s" % (offset, path))
        f.seek(offset)
        b = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([b ^ mask]))


def symbol_file_offset(path, symbol):
    """File offset of ELF64 little-endian `symbol` (from .symtab)."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit("bad_input.py: %s is not a little-endian ELF64 file" % path)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = []
    for i in range(shnum):
        (name, typ, flags, addr, off, size, link, info, align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i *
                                       shentsize)
        sections.append(dict(type=typ, addr=addr, off=off, size=size,
                             link=link, entsize=entsize))
    for sec in sections:
        if sec["type"] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sec["link"]]
        for k in range(sec["size"] // sec["entsize"]):
            st_name, st_info, st_other, st_shndx, st_value, st_size = \
                struct.unpack_from("<IBBHQQ", elf, sec["off"] +
                                   k * sec["entsize"])
            s = strtab["off"] + st_name
            if elf[s:elf.index(b"\0", s)] != symbol.encode():
                continue
            if not 0 < st_shndx < len(sections):
                sys.exit("bad_input.py: %s is not defined in a section"
                         % symbol)
            home = sections[st_shndx]
            if home["type"] == 8:  # SHT_NOBITS
                sys.exit("bad_input.py: %s is in a NOBITS section" % symbol)
            return home["off"] + (st_value - home["addr"])
    sys.exit("bad_input.py: symbol %s not found in %s" % (symbol, path))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "drop":
        src, dst, name = args
        edit_model(src, dst, name, lambda t, n: t.pop(n))
    elif cmd == "shape":
        src, dst, name, dims = args
        shape = [int(d) for d in dims.split(",")]

        def reshape(t, n):
            dt, _, data = t[n]
            size = ITEMSIZE[dt]
            for d in shape:
                size *= d
            t[n] = [dt, shape, (data * (size // max(len(data), 1) + 1))[:size]]
        edit_model(src, dst, name, reshape)
    elif cmd == "dtype":
        src, dst, name, dtype = args

        def retype(t, n):
            dt, shape, data = t[n]
            if ITEMSIZE[dt] != ITEMSIZE[dtype]:
                sys.exit("bad_input.py: %s and %s differ in size" % (dt, dtype))
            t[n] = [dtype, shape, data]
        edit_model(src, dst, name, retype)
    elif cmd == "header-len":
        src, dst, delta = args
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)
        path = os.path.join(dst, "model.safetensors")
        with open(path, "r+b") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            f.seek(0)
            f.write(struct.pack("<Q", n + int(delta)))
    elif cmd == "truncate":
        path, n = args[0], int(args[1])
        size = os.path.getsize(path)
        os.truncate(path, n if n >= 0 else size + n)
    elif cmd == "flip":
        flip(args[0], int(args[1]), *[int(m, 0) for m in args[2:3]])
    elif cmd == "flip-symbol":
        path, symbol, k = args[:3]
        flip(path, symbol_file_offset(path, symbol) + int(k),
             *[int(m, 0) for m in args[3:4]])
    else:
        sys.exit("bad_input.py: unknown command %r" % cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
