"""Writes the spec the harness tests against: spec/openapi.yaml with the schema exceptions of
spec/exceptions.json applied (fields marked nullable, an answer's declared content type
replaced), so the original stays as published.

Usage: prepare_spec.py SPEC EXCEPTIONS OUT
"""

import json
import sys

import yaml


def main(spec_path, exceptions_path, out_path):
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    with open(exceptions_path, encoding="utf-8") as handle:
        exceptions = json.load(handle)
    schemas = spec.get("components", {}).get("schemas", {})
    for patch in exceptions.get("schema_patches", []):
        schema = schemas.get(patch["schema"])
        if schema is None:
            sys.exit("exceptions.json patches unknown schema %r" % patch["schema"])
        for field in patch.get("nullable", []):
            prop = schema.get("properties", {}).get(field)
            if prop is None:
                sys.exit("exceptions.json patches unknown field %s.%s" % (patch["schema"], field))
            prop["nullable"] = True
    for patch in exceptions.get("content_types", []):
        method, path = patch["operation"].split(" ", 1)
        operation = spec.get("paths", {}).get(path, {}).get(method.lower())
        response = (operation or {}).get("responses", {}).get(str(patch["status"]))
        if response is None or "content" not in response:
            sys.exit("exceptions.json patches unknown answer %s %s" % (patch["operation"], patch["status"]))
        # The schema declared for the old content type still describes the body.
        schemas_declared = list(response["content"].values())
        response["content"] = {patch["content_type"]: schemas_declared[0] if schemas_declared else {}}
    with open(out_path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(spec, handle, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
