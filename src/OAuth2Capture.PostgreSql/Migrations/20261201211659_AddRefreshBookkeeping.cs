using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.PostgreSql.Migrations
{
    /// <inheritdoc />
    internal partial class AddRefreshBookkeeping : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "oauth2capture_tokens",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiryNoticeSentFor",
                table: "oauth2capture_tokens",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FailingSince",
                table: "oauth2capture_tokens",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "ExpiryNoticeSentFor",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "oauth2capture_tokens");
        }
    }
}
