from torch.utils.tensorboard import SummaryWriter

writer = SummaryWriter("logs/2x")
for i in range(100):
    writer.add_scalar("y=kx", 2 * i, i)
writer.close()

writer = SummaryWriter("logs/3x")
for i in range(100):
    writer.add_scalar("y=kx", 3 * i, i)
writer.close()
