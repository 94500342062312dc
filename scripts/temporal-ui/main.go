package main

import (
	_ "github.com/temporalio/ui-server/v2/plugins/fs_config_provider"
	_ "github.com/temporalio/ui-server/v2/server"
	_ "github.com/urfave/cli/v2"
)

func main() {}
