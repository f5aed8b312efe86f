# --8<-- [start:launch]
import subprocess
import sys
from pathlib import Path

script = Path(__file__).with_name("ddp_train.py")
command = [sys.executable, "-m", "torch.distributed.run",
           "--nproc_per_node=2", str(script)]
for attempt in range(2):  # on a busy machine a start of two processes now and then fails
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode == 0:
        break
    print(result.stderr[-3000:], file=sys.stderr)
result.check_returncode()

lines = result.stdout.splitlines()
# by rank; sort() keeps the lines of each rank in the order they were printed
lines.sort(key=lambda line: line.split("]")[0])
print("\n".join(lines))
# --8<-- [end:launch]
