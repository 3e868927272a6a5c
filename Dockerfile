# syntax=docker/dockerfile:1
# samoobsluha: a small static image that runs as a non-root user.
#
#   docker build -t samoobsluha .
#   docker run --rm -p 8080:8080 samoobsluha          # the embedded demo
#
# Configuration is environment only (SAMOOBSLUHA_*, see README.md).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/samoobsluha ./cmd/samoobsluha

# distroless/static has no shell and no package manager: only CA
# certificates, tzdata and the "nonroot" user (uid 65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/samoobsluha /samoobsluha
USER 65532:65532
ENV SAMOOBSLUHA_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/samoobsluha"]
