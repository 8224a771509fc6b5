"""Looking at a build: the contact sheet (`wildpress preview`) and the live server (`wildpress serve`)."""
