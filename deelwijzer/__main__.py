from deelwijzer.cli import main

raise SystemExit(main())
