#!/usr/bin/env bash
# The webhook-signature examples of docs/integrators/signature/: (a) runs each one whose tool is
# on this machine (each checks the known-answer vector and prints `ok`), and fails when one fails
# or when none of the Python, Node.js and Java ones could run; (b) checks that docs/integrators.md
# shows every block between `BEGIN verify` and `END verify` of every example verbatim, inside a
# fenced code block, so the guide's code is the code that was run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=docs/integrators/signature
GUIDE=docs/integrators.md
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

failures=0
required_ran=0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# example NAME TOOL COMMAND...: runs COMMAND when TOOL exists; it passes when it exits 0 and its
# last line of output is `ok`.
example() {
    local name=$1 tool=$2 out rc
    shift 2
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: no $tool ($name)"
        return 0
    fi
    rc=0
    out="$("$@" 2>&1)" || rc=$?
    if [[ $rc -eq 0 && "$(printf '%s\n' "$out" | tail -n 1)" == "ok" ]]; then
        echo "passed: $name"
        case $name in python | node | java) required_ran=$((required_ran + 1)) ;; esac
    else
        echo "FAILED: $name (exit $rc)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    fi
}

# C#: a throwaway console project around Verify.cs for any .NET SDK (6 or later).
run_dotnet() {
    local major
    major="$(dotnet --version | cut -d. -f1)"
    mkdir -p "$scratch/cs"
    cp "$DIR/Verify.cs" "$scratch/cs/"
    cat >"$scratch/cs/Verify.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net${major}.0</TargetFramework>
    <ImplicitUsings>disable</ImplicitUsings>
    <Nullable>disable</Nullable>
  </PropertyGroup>
</Project>
XML
    dotnet run --project "$scratch/cs/Verify.csproj"
}

# C# without the .NET SDK: Mono's compiler, where it is installed.
run_mono() {
    mcs -nologo -out:"$scratch/verify-cs.exe" "$DIR/Verify.cs" && mono "$scratch/verify-cs.exe"
}

echo "-- running the examples"
example python python3 python3 "$DIR/verify.py"
example node node node "$DIR/verify.js"
example java java java "$DIR/Verify.java"
example go go go run "$DIR/verify.go"
example php php php "$DIR/verify.php"
if command -v dotnet >/dev/null 2>&1; then
    example "c#" dotnet run_dotnet
elif command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
    example "c# (mono)" mcs run_mono
else
    echo "skipped: no dotnet (c#)"
fi
if [[ $required_ran -eq 0 ]]; then
    echo "FAILED: none of the Python, Node.js and Java examples could run (no python3, node or java)"
    failures=$((failures + 1))
fi

echo "-- checking that $GUIDE shows each example's verify blocks verbatim"
# The guide's fenced code blocks, each as "\n" + its lines, each followed by "\n".
fences=()
in_fence=0
current=""
while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == '```'* ]]; then
        if [[ $in_fence -eq 1 ]]; then
            fences+=("$current")
            in_fence=0
        else
            in_fence=1
            current=$'\n'
        fi
    elif [[ $in_fence -eq 1 ]]; then
        current+="$line"$'\n'
    fi
done <"$GUIDE"

begin_re='^[[:space:]]*(#|//)[[:space:]]*BEGIN verify[[:space:]]*$'
end_re='^[[:space:]]*(#|//)[[:space:]]*END verify[[:space:]]*$'

# in_guide BLOCK: whether a fenced block of the guide holds BLOCK's lines, one after another.
in_guide() {
    local fence
    for fence in "${fences[@]}"; do
        if [[ $fence == *$'\n'"$1"* ]]; then
            return 0
        fi
    done
    return 1
}

for file in "$DIR"/verify.py "$DIR"/verify.js "$DIR"/Verify.java "$DIR"/verify.go "$DIR"/Verify.cs "$DIR"/verify.php; do
    inside=0
    blocks=0
    missing=0
    block=""
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ $begin_re ]]; then
            if [[ $inside -eq 1 ]]; then
                echo "FAILED: $file: BEGIN verify inside a block"
                missing=1
            fi
            inside=1
            block=""
        elif [[ $line =~ $end_re ]]; then
            if [[ $inside -eq 0 ]]; then
                echo "FAILED: $file: END verify without BEGIN verify"
                missing=1
                continue
            fi
            inside=0
            blocks=$((blocks + 1))
            # Blank lines at either end of a block do not count.
            while [[ $block == $'\n'* ]]; do block=${block#$'\n'}; done
            while [[ $block == *$'\n\n' ]]; do block=${block%$'\n'}; done
            if [[ -n $block ]] && ! in_guide "$block"; then
                echo "FAILED: $file: block $blocks (from '$(printf '%s' "$block" | head -n 1)') is not in a fenced block of $GUIDE verbatim"
                missing=1
            fi
        elif [[ $inside -eq 1 ]]; then
            block+="$line"$'\n'
        fi
    done <"$file"
    if [[ $inside -eq 1 ]]; then
        echo "FAILED: $file: BEGIN verify without END verify"
        missing=1
    fi
    if [[ $blocks -eq 0 ]]; then
        echo "FAILED: $file: no BEGIN verify / END verify block"
        missing=1
    fi
    if [[ $missing -eq 0 ]]; then
        echo "in the guide: $file ($blocks block(s))"
    else
        failures=$((failures + 1))
    fi
done

if [[ $failures -gt 0 ]]; then
    echo "signature examples: $failures failure(s)"
    exit 1
fi
echo "signature examples: all passed"
