from torch.utils.tensorboard import SummaryWriter

# --8<-- [start:first]
writer = SummaryWriter("logs")
for i in range(100):
    writer.add_scalar("y=2x", 2 * i, i)
writer.close()
# --8<-- [end:first]

# --8<-- [start:second]
writer = SummaryWriter("logs")
for i in range(100):
    writer.add_scalar("y=2x", 3 * i, i)
writer.close()
# --8<-- [end:second]
