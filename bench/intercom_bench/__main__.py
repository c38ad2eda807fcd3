from intercom_bench.cli import main

raise SystemExit(main())
