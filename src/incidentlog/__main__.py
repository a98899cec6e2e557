from incidentlog.cli.main import main

main()
