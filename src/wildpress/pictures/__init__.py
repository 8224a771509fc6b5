"""Pictures on the page: photos (crop, downsample, cache), QR codes, range maps and licences."""
