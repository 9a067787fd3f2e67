// Command console is the staff console's Lambda: it serves the built Vue
// application (ui/dist, embedded) and /console/config.json from the
// COGNITO_* (the stack's user pool) or OIDC_* (an external issuer)
// environment, routed at /console and /console/{proxy+} without
// the JWT authorizer (the files carry no data; the console sends its token
// to the staff API itself). It links no AWS SDK and no store.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/ui"
)

func main() {
	log := lambdacontext.NewLogger() // JSON (LoggingConfig), the request ID on every line
	cfg, err := httpapi.ConsoleConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("console sign-in misconfigured", "err", err)
		os.Exit(1)
	}
	cfg.Files = ui.Dist()
	lambda.Start(httpadapter.NewV2(httpapi.NewConsoleHandler(cfg, log)).ProxyWithContext)
}
