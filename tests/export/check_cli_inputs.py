"""Checks the AWS CLI commands an exported script ran (the log tests/export/fake-aws writes): each is an
operation of botocore's models (the CLI's command names are botocore's operation names in kebab case), and
each --cli-input-json file validates against the operation's input shape with botocore's own parameter
validator (member names, types, required members), after botocore's own filling of idempotency tokens. Prints one line per command and `N passed, N failed` last.

Usage: check_cli_inputs.py LOG [LABEL]
"""

import json
import sys

import botocore.session
from botocore.handlers import generate_idempotent_uuid
from botocore.validate import ParamValidator


def main():
    log, label = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    session = botocore.session.get_session()
    models = {}
    passed = failed = 0
    with open(log) as lines:
        for line in lines:
            args = json.loads(line)
            service, command = args[0], args[1]
            if (service, command) in (("sts", "get-caller-identity"), ("ssm", "get-parameter"), ("autoscaling", "describe-auto-scaling-groups")):
                continue
            if service not in models:
                # The AWS CLI names S3's API commands `s3api`; its botocore model is `s3`.
                models[service] = session.get_service_model({"s3api": "s3"}.get(service, service))
            model = models[service]
            operations = {botocore.xform_name(name, "-"): name for name in model.operation_names}
            name = operations.get(command)
            if name is None:
                print(f"FAIL {label}: aws {service} {command}: no such operation in botocore's {service} model")
                failed += 1
                continue
            if "--cli-input-json" not in args:
                print(f"FAIL {label}: aws {service} {command}: no --cli-input-json")
                failed += 1
                continue
            path = args[args.index("--cli-input-json") + 1].removeprefix("file://")
            with open(path) as f:
                params = json.load(f)
            operation = model.operation_model(name)
            # botocore fills an idempotency token the input leaves out (ClientToken, CreationToken), as the CLI
            # does before it validates.
            generate_idempotent_uuid(params, operation)
            report = ParamValidator().validate(params, operation.input_shape)
            if report.has_errors():
                print(f"FAIL {label}: aws {service} {command}: {report.generate_report()}")
                failed += 1
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
