# --8<-- [start:launch]
import subprocess
import sys
from pathlib import Path

script = Path(__file__).with_name("ddp_train.py")
command = [sys.executable, "-m", "torch.distributed.run",
           "--nproc_per_node=2", str(script)]
result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)

lines = result.stdout.splitlines()
# by rank; sort() keeps the lines of each rank in the order they were printed
lines.sort(key=lambda line: line.split("]")[0])
print("\n".join(lines))
# --8<-- [end:launch]
