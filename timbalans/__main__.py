from timbalans.cli import main

main()
