import os


URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
folder = os.path.join("dataset", "hymenoptera_data")

if os.path.isdir(folder):
    print("hymenoptera_data is already in the data folder: nothing to download")
else:
    from torchvision.datasets.utils import download_and_extract_archive

    download_and_extract_archive(URL, "dataset")
    print("downloaded and unpacked:", sorted(os.listdir(folder)))
