"""Writes the release files the Terraform Registry expects, from built provider binaries.

usage: package_release.py OUT_DIR VERSION PLATFORM=BINARY [PLATFORM=BINARY ...]

Per platform (Terraform's <os>_<arch>): terraform-provider-combell_<version>_<os>_<arch>.zip
holding terraform-provider-combell_v<version> (.exe on Windows). Then the protocol manifest, as
terraform-registry-manifest.json and as the release asset
terraform-provider-combell_<version>_manifest.json, and terraform-provider-combell_<version>_SHA256SUMS
over the zips and that asset, in sha256sum's format. Zips are reproducible: fixed timestamps,
sorted inputs. Python's zipfile and hashlib, so neither zip nor sha256sum is needed.
"""

import hashlib
import json
import os
import re
import sys
import zipfile

NAME = "terraform-provider-combell"
MANIFEST = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
# 1980-01-01, the earliest time a zip entry can carry: the same binary gives the same zip.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PLATFORM = re.compile(r"^[a-z0-9]+_[a-z0-9]+$")


def fail(message):
    sys.stderr.write(f"package_release: {message}\n")
    sys.exit(1)


def write_zip(path, member, binary):
    info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so that the mode below is honoured by unzip
    info.external_attr = (0o100755 & 0xFFFF) << 16
    tmp = path + ".tmp"
    with open(binary, "rb") as src, zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(info, src.read())
    os.replace(tmp, path)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv):
    if len(argv) < 3:
        fail("usage: package_release.py OUT_DIR VERSION PLATFORM=BINARY...")
    out, version, pairs = argv[0], argv[1], argv[2:]
    os.makedirs(out, exist_ok=True)
    files = []
    for pair in sorted(set(pairs)):
        platform, sep, binary = pair.partition("=")
        if not sep or not PLATFORM.match(platform):
            fail(f"'{pair}' is not PLATFORM=BINARY with PLATFORM like linux_amd64")
        if not os.path.isfile(binary):
            fail(f"no binary {binary}")
        member = f"{NAME}_v{version}" + (".exe" if platform.startswith("windows_") else "")
        zip_name = f"{NAME}_{version}_{platform}.zip"
        write_zip(os.path.join(out, zip_name), member, binary)
        files.append(zip_name)
        print(f"wrote {os.path.join(out, zip_name)}")

    manifest = json.dumps(MANIFEST, indent=2) + "\n"
    for name in ("terraform-registry-manifest.json", f"{NAME}_{version}_manifest.json"):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(manifest)
    files.append(f"{NAME}_{version}_manifest.json")

    sums_name = f"{NAME}_{version}_SHA256SUMS"
    with open(os.path.join(out, sums_name), "w", encoding="utf-8") as f:
        for name in sorted(files):
            f.write(f"{sha256(os.path.join(out, name))}  {name}\n")
    print(f"wrote {os.path.join(out, sums_name)}")


if __name__ == "__main__":
    main(sys.argv[1:])
